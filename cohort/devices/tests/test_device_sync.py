"""Syncing a member's days from Google Health's fake: refresh, failures, the device rule,
and nothing half-written."""

import datetime as dt

import pytest
import time_machine
from django.db import connection as db

from cohort.activity.models import DailyActivity
from cohort.activity.services import device_days
from cohort.activity.services.daily import activity_log
from cohort.devices.models import DeviceConnection, SyncRun
from cohort.devices.services.sync import device_sync
from cohort.devices.tests.fakes.google_health import ROLLUP, TOKEN
from cohort.devices.tests.fakes.server import FakeResponse
from cohort.journeys.models import Enrollment
from cohort.notifications.models import Notification

NIGHTLY = SyncRun.Kind.NIGHTLY


def _days(user) -> dict:
    return {
        r.date: (r.steps, r.source, r.review)
        for r in DailyActivity.objects.filter(user=user).order_by("date")
    }


def _set(google, conn, today, *pairs):
    for back, steps in pairs:
        google.steps[(conn.external_user_id, today - dt.timedelta(days=back))] = steps


def test_nightly_sync_writes_the_window_through_activity(google, walker, today, connected):
    conn = connected()
    _set(google, conn, today, (0, 4_000), (1, 9_000))
    result = device_sync(connection_id=conn.pk, kind=NIGHTLY)
    assert result.outcome == "ok" and result.requests == 1
    days = _days(walker)
    assert days[today] == (4_000, "google_health", "")
    assert days[today - dt.timedelta(days=1)] == (9_000, "google_health", "")
    # A day Google answered with no points is a real 0; the window is 7 days.
    assert len(days) == 7 and days[today - dt.timedelta(days=6)][0] == 0
    enrollment = Enrollment.objects.get(user=walker)
    assert enrollment.steps == 13_000  # progress moved in the same transaction
    conn.refresh_from_db()
    assert conn.days_filled == 7 and conn.last_sync_ok_at and conn.failures == 0
    run = SyncRun.objects.get()
    assert (run.kind, run.outcome, run.days_written, run.requests) == ("nightly", "ok", 7, 1)


def test_a_second_sync_writes_nothing_unchanged(google, walker, today, connected):
    conn = connected()
    _set(google, conn, today, (0, 4_000))
    device_sync(connection_id=conn.pk, kind=NIGHTLY)
    google.steps[(conn.external_user_id, today)] = 4_500
    result = device_sync(connection_id=conn.pk, kind=NIGHTLY)
    assert result.days_written == 1
    assert _days(walker)[today][0] == 4_500


def test_tokens_are_not_stored_in_plain_text(google, walker, connected):
    conn = connected()
    token = conn.tokens.access_token
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT access_token_encrypted, refresh_token_encrypted FROM devices_deviceconnection"
        )
        stored = " ".join(cursor.fetchone())
    assert token not in stored and conn.tokens.refresh_token not in stored
    assert conn.tokens.access_token == token


def test_a_token_about_to_expire_is_refreshed_first(google, walker, today, connected):
    conn = connected(expires_in=60)
    old = conn.tokens.access_token
    device_sync(connection_id=conn.pk, kind=NIGHTLY)
    conn.refresh_from_db()
    assert conn.tokens.access_token != old
    assert google.count(TOKEN) == 1 and google.count(ROLLUP) == 1


def test_a_401_refreshes_once_and_tries_again(google, walker, today, connected):
    conn = connected()
    _set(google, conn, today, (0, 3_000))
    google.expire_all()
    result = device_sync(connection_id=conn.pk, kind=NIGHTLY)
    assert result.outcome == "ok" and result.requests == 3  # 401, refresh, data
    assert _days(walker)[today][0] == 3_000


def test_a_revoked_grant_asks_to_reconnect_notifies_once_and_stops(
    google, walker, today, connected
):
    conn = connected()
    google.withdraw(conn.external_user_id)
    result = device_sync(connection_id=conn.pk, kind=NIGHTLY)
    assert result.outcome == "reconnect"
    conn.refresh_from_db()
    assert conn.status == DeviceConnection.Status.RECONNECT
    assert conn.access_token_encrypted == conn.refresh_token_encrypted == ""
    assert _days(walker) == {}
    asked = len(google.requests)
    assert device_sync(connection_id=conn.pk, kind=NIGHTLY).outcome == "skipped"
    assert len(google.requests) == asked  # no more retries until reconnected
    notices = Notification.objects.filter(recipient=walker, link="/profile/devices/")
    assert notices.count() == 1


def test_429_honours_retry_after_then_succeeds(google, walker, today, connected):
    conn = connected()
    _set(google, conn, today, (0, 2_000))
    google.fail_next(FakeResponse(429, {"error": "RESOURCE_EXHAUSTED"}, {"Retry-After": "120"}))
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock:
        result = device_sync(connection_id=conn.pk, kind=NIGHTLY)
        assert result.outcome == "retry" and result.retry_in >= 120
        conn.refresh_from_db()
        assert conn.retry_not_before and conn.last_error
        assert device_sync(connection_id=conn.pk, kind=SyncRun.Kind.HOURLY).outcome == "skipped"
        clock.shift(121)
        assert device_sync(connection_id=conn.pk, kind=NIGHTLY).outcome == "ok"
    assert _days(walker)[today][0] == 2_000
    conn.refresh_from_db()
    assert conn.failures == 0 and conn.retry_not_before is None and conn.last_error == ""


def test_500_then_success_backs_off(google, walker, today, connected):
    conn = connected()
    _set(google, conn, today, (0, 5_000))
    google.fail_next(FakeResponse(500, {"error": "INTERNAL"}))
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock:
        first = device_sync(connection_id=conn.pk, kind=NIGHTLY)
        assert first.outcome == "retry" and first.retry_in == 30
        assert _days(walker) == {}
        clock.shift(31)
        assert device_sync(connection_id=conn.pk, kind=NIGHTLY).outcome == "ok"
    assert _days(walker)[today][0] == 5_000


@pytest.mark.parametrize(
    "answer",
    [
        FakeResponse(200, "{not json", {"Content-Type": "application/json"}),
        FakeResponse(200, {"rollupDataPoints": "nope"}),
        FakeResponse(200, {"rollupDataPoints": [{"civilStartTime": {}, "steps": {}}]}),
        FakeResponse(200, {"rollupDataPoints": []}, delay=1.5),  # past the 1 s timeout
    ],
    ids=["malformed-json", "wrong-shape", "no-date", "slow"],
)
def test_a_bad_answer_writes_nothing(google, walker, today, connected, answer):
    conn = connected()
    _set(google, conn, today, (0, 5_000))
    DailyActivity.objects.create(user=walker, date=today, steps=100, source="web")
    google.fail_next(answer, path=ROLLUP)
    result = device_sync(connection_id=conn.pk, kind=NIGHTLY)
    assert result.outcome in ("retry", "failed")
    assert _days(walker) == {today: (100, "web", "")}
    conn.refresh_from_db()
    assert conn.last_error and conn.failures == 1 and conn.status == "active"


def test_nothing_half_written_when_a_day_fails(google, walker, today, connected, monkeypatch):
    conn = connected()
    _set(google, conn, today, (0, 5_000), (1, 6_000), (2, 7_000))
    calls = []
    real = device_days.activity_log

    def second_fails(**kwargs):
        calls.append(kwargs["day"])
        if len(calls) == 2:
            raise RuntimeError("the database went away mid-sync")
        return real(**kwargs)

    monkeypatch.setattr(device_days, "activity_log", second_fails)
    with pytest.raises(RuntimeError):
        device_sync(connection_id=conn.pk, kind=NIGHTLY)
    assert _days(walker) == {}
    assert not Enrollment.objects.filter(user=walker, steps__gt=0).exists()
    conn.refresh_from_db()
    assert conn.last_sync_ok_at is None and conn.days_filled == 0


def test_the_device_total_stands_over_a_typed_count(google, walker, today, connected):
    activity_log(user=walker, day=today, steps=3_000)
    conn = connected()
    _set(google, conn, today, (0, 8_000))
    device_sync(connection_id=conn.pk, kind=NIGHTLY)
    assert _days(walker)[today] == (8_000, "google_health", "")


def test_a_count_typed_above_the_device_total_is_flagged(google, walker, today, connected):
    conn = connected()
    _set(google, conn, today, (0, 8_000), (1, 9_000))
    device_sync(connection_id=conn.pk, kind=NIGHTLY)
    row = activity_log(user=walker, day=today, steps=12_000)
    assert (row.review, row.plausible_steps, row.counted_steps) == ("pending", 8_000, 8_000)
    below = activity_log(user=walker, day=today - dt.timedelta(days=1), steps=5_000)
    assert below.review == ""  # typed at or below the device's total: an ordinary day


def test_a_sync_never_lowers_a_confirmed_day(google, walker, today, connected):
    conn = connected()
    DailyActivity.objects.create(
        user=walker, date=today, steps=20_000, source="web", review="confirmed"
    )
    _set(google, conn, today, (0, 8_000))
    device_sync(connection_id=conn.pk, kind=NIGHTLY)
    assert _days(walker)[today] == (20_000, "web", "confirmed")


def test_an_implausible_device_day_is_flagged_like_a_typed_one(
    google, walker, today, connected, settings
):
    conn = connected()
    _set(google, conn, today, (0, settings.ACTIVITY_FLAG_STEPS + 1))
    device_sync(connection_id=conn.pk, kind=NIGHTLY)
    row = DailyActivity.objects.get(user=walker, date=today)
    assert row.review == "pending" and row.counted_steps == settings.ACTIVITY_FLAG_STEPS


def test_the_hourly_refresh_asks_for_yesterday_and_today(google, walker, today, connected):
    conn = connected()
    device_sync(connection_id=conn.pk, kind=SyncRun.Kind.HOURLY)
    body = google.requests[-1].json()
    start = body["range"]["start"]["date"]
    assert dt.date(start["year"], start["month"], start["day"]) == today - dt.timedelta(days=1)
    assert set(_days(walker)) == {today, today - dt.timedelta(days=1)}


def test_a_refreshed_token_is_kept_when_the_data_call_then_fails(google, walker, connected):
    conn = connected(expires_in=60)  # refreshed first
    old = conn.tokens.access_token
    google.fail_next(FakeResponse(503, {"error": "UNAVAILABLE"}), path=ROLLUP)
    assert device_sync(connection_id=conn.pk, kind=NIGHTLY).outcome == "retry"
    conn.refresh_from_db()
    assert conn.tokens.access_token not in ("", old)
    assert conn.tokens.access_token in google.access  # the one Google now honours


def test_one_members_unexpected_failure_does_not_stop_the_chunk(
    google, walker, today, connected, monkeypatch
):
    from cohort.accounts.tests.factories import MemberFactory
    from cohort.devices.services.sync import device_sync_many

    first = connected()
    second = connected(MemberFactory(group=walker.group))
    real = device_days.activity_log

    def fails_for_the_walker(**kwargs):
        if kwargs["user"].pk == walker.pk:
            raise RuntimeError("boom")
        return real(**kwargs)

    monkeypatch.setattr(device_days, "activity_log", fails_for_the_walker)
    counts, retries = device_sync_many(connection_ids=[first.pk, second.pk], kind=NIGHTLY)
    assert counts == {"failed": 1, "ok": 1} and retries == []
