"""POST /api/v1/devices/apple-health: Health Auto Export's JSON, summed into the member's own
days and each day set through the activity services."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client

from cohort.accounts.models import ApiToken
from cohort.accounts.tests.factories import MemberFactory, StaffFactory
from cohort.accounts.tokens import api_token_create
from cohort.activity.models import DailyActivity
from cohort.journeys.models import Enrollment
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/devices/apple-health"
# 10:00 on 3 December in Kolkata (UTC+05:30), the member's zone.
NOW = dt.datetime(2026, 12, 3, 4, 30, tzinfo=dt.UTC)
DEC = {n: dt.date(2026, 12, n) for n in range(1, 4)}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def path(clock):
    return path_create(start=dt.date(2026, 11, 1))


@pytest.fixture
def member(path):
    return MemberFactory(time_zone="Asia/Kolkata")


def _client(user, scope=ApiToken.Scope.ACTIVITY_WRITE) -> Client:
    _, raw = api_token_create(user=user, name="phone", scope=scope)
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")


def _payload(*entries, metrics=()):
    """Health Auto Export's body; each entry is (qty, date) or (qty, date, extra fields)."""
    data = [{"qty": e[0], "date": e[1], **(e[2] if len(e) > 2 else {})} for e in entries]
    return {
        "data": {
            "metrics": [
                *metrics,
                {"name": "step_count", "units": "count", "data": data},
            ]
        }
    }


def _post(client: Client, body) -> object:
    return client.post(URL, json.dumps(body), content_type="application/json")


def _days(member) -> dict[dt.date, tuple[int, str]]:
    return {
        row.date: (row.steps, row.source)
        for row in DailyActivity.objects.filter(user=member).order_by("date")
    }


def test_entries_are_summed_into_the_members_own_days_whatever_their_offset(member):
    body = _payload(
        (1000, "2026-12-02 09:00:00 +0530"),  # Dec 2 in Kolkata
        (500, "2026-12-02 18:00:00 +0000"),  # 23:30 Dec 2 in Kolkata
        (700, "2026-12-02 18:45:00 +0000"),  # 00:15 Dec 3 in Kolkata: past midnight
        (300, "2026-12-02 20:00:00 -0800"),  # 09:30 Dec 3 in Kolkata
        (250.6, "2026-12-03 09:59:00 +0530"),  # Health Auto Export sends decimals
    )
    answer = _post(_client(member), body)
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "written": [
            {"date": "2026-12-02", "steps": 1500},
            {"date": "2026-12-03", "steps": 1251},
        ],
        "unchanged": [],
        "refused": [],
    }
    assert _days(member) == {DEC[2]: (1500, "apple_health"), DEC[3]: (1251, "apple_health")}


def test_days_move_the_member_along_the_path_as_a_typed_day_does(member, path):
    _post(_client(member), _payload((4000, "2026-12-02 12:00:00 +0530")))
    enrollment = Enrollment.objects.get(user=member, path=path)
    assert enrollment.steps == 4000


def test_the_same_payload_twice_changes_nothing(member, path):
    client = _client(member)
    body = _payload((1200, "2026-12-02 08:00:00 +0530"), (800, "2026-12-03 08:00:00 +0530"))
    assert _post(client, body).status_code == 200
    before = list(DailyActivity.objects.filter(user=member).values("date", "steps", "updated_at"))
    again = _post(client, body)
    assert again.status_code == 200
    assert again.json() == {
        "written": [],
        "unchanged": [
            {"date": "2026-12-02", "steps": 1200},
            {"date": "2026-12-03", "steps": 800},
        ],
        "refused": [],
    }
    after = list(DailyActivity.objects.filter(user=member).values("date", "steps", "updated_at"))
    assert after == before
    assert Enrollment.objects.get(user=member, path=path).steps == 2000


def test_a_later_run_sets_the_day_it_does_not_add_to_it(member, path):
    client = _client(member)
    _post(client, _payload((1200, "2026-12-03 08:00:00 +0530")))
    # The next run re-sends the whole day so far: more entries, a larger total.
    _post(client, _payload((1200, "2026-12-03 08:00:00 +0530"), (600, "2026-12-03 09:00:00 +0530")))
    assert _days(member) == {DEC[3]: (1800, "apple_health")}
    assert Enrollment.objects.get(user=member, path=path).steps == 1800


def test_a_typed_day_is_replaced_by_the_phones_total(member):
    DailyActivity.objects.create(user=member, date=DEC[2], steps=900, source="web")
    _post(_client(member), _payload((900, "2026-12-02 08:00:00 +0530")))
    assert _days(member) == {DEC[2]: (900, "apple_health")}  # same count, provenance recorded


def test_a_day_a_mentor_confirmed_is_never_lowered_by_the_phone(member):
    """The one device rule (activity.services.daily.day_device_write_wanted), as for every
    synced provider: a confirmed count stands over a lower phone total."""
    DailyActivity.objects.create(
        user=member, date=DEC[2], steps=9_000, source="web", review="confirmed"
    )
    answer = _post(_client(member), _payload((5_000, "2026-12-02 08:00:00 +0530"))).json()
    assert _days(member) == {DEC[2]: (9_000, "web")}
    assert answer["written"] == []


def test_an_entry_sent_twice_in_one_payload_counts_once(member):
    body = _payload(
        (400, "2026-12-03 07:00:00 +0530", {"source": "Apple Watch"}),
        (400, "2026-12-03 07:00:00 +0530", {"source": "Apple Watch"}),
        (400, "2026-12-03 01:30:00 +0000", {"source": "Apple Watch"}),  # the same instant
        (400, "2026-12-03 07:00:00 +0530", {"source": "iPhone"}),  # another device: counts
    )
    assert _post(_client(member), body).json()["written"] == [{"date": "2026-12-03", "steps": 800}]


def test_other_metrics_are_ignored(member):
    heart = {
        "name": "heart_rate",
        "units": "count/min",
        "data": [{"Min": 50, "Avg": 70, "Max": 120, "date": "2026-12-03 07:00:00 +0530"}],
    }
    answer = _post(_client(member), _payload((321, "2026-12-03 07:00:00 +0530"), metrics=[heart]))
    assert answer.json()["written"] == [{"date": "2026-12-03", "steps": 321}]
    only_heart = {"data": {"metrics": [heart]}}
    assert _post(_client(member), only_heart).json() == {
        "written": [],
        "unchanged": [],
        "refused": [],
    }


def test_days_outside_the_edit_window_are_reported_not_written(member, settings):
    settings.ACTIVITY_EDIT_WINDOW_DAYS = 2  # today (Dec 3) and Dec 2
    body = _payload(
        (5000, "2026-11-20 12:00:00 +0530"),
        (6000, "2026-12-02 12:00:00 +0530"),
    )
    answer = _post(_client(member), body)
    assert answer.status_code == 200
    assert answer.json()["written"] == [{"date": "2026-12-02", "steps": 6000}]
    (refused,) = answer.json()["refused"]
    assert refused["date"] == "2026-11-20" and "from 2 December" in refused["detail"]
    assert _days(member) == {DEC[2]: (6000, "apple_health")}


def test_a_day_still_in_the_future_for_the_member_is_refused(member):
    # 04:00 on Dec 4 in Tokyo is 00:30 Dec 4 in Kolkata: not yet there (it is 10:00 Dec 3).
    answer = _post(_client(member), _payload((10, "2026-12-04 04:00:00 +0900")))
    assert answer.json()["refused"][0]["date"] == "2026-12-04"
    assert not DailyActivity.objects.filter(user=member).exists()


def test_an_implausible_day_is_kept_but_flagged_for_review(member, settings):
    settings.ACTIVITY_FLAG_STEPS = 30_000
    _post(_client(member), _payload((45_000, "2026-12-02 12:00:00 +0530")))
    row = DailyActivity.objects.get(user=member)
    assert (row.steps, row.review, row.counted_steps) == (45_000, "pending", 30_000)


def test_a_failure_half_way_writes_nothing(member, monkeypatch):
    from cohort.devices import apple_health

    real = apple_health.activity_log
    calls = []

    def second_fails(**kwargs):
        calls.append(kwargs["day"])
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(apple_health, "activity_log", second_fails)
    body = _payload((100, "2026-12-02 12:00:00 +0530"), (200, "2026-12-03 08:00:00 +0530"))
    client = _client(member)
    client.raise_request_exception = False
    assert _post(client, body).status_code == 500
    assert not DailyActivity.objects.filter(user=member).exists()
    assert not Enrollment.objects.filter(user=member, steps__gt=0).exists()


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ([], "body"),
        ({"metrics": []}, "data"),
        ({"data": {"metrics": {}}}, "metrics"),
        ({"data": {"metrics": [7]}}, "metrics"),
        ({"data": {"metrics": [{"units": "count"}]}}, "data.metrics[0]"),
        ({"data": {"metrics": [{"name": "step_count", "units": "km", "data": []}]}}, "units"),
        ({"data": {"metrics": [{"name": "step_count", "data": "x"}]}}, "data.metrics[0].data"),
        (_payload(("12", "2026-12-03 07:00:00 +0530")), "data.metrics[0].data[0].qty"),
        (_payload((-1, "2026-12-03 07:00:00 +0530")), "data.metrics[0].data[0].qty"),
        (_payload((True, "2026-12-03 07:00:00 +0530")), "data.metrics[0].data[0].qty"),
        (_payload((5, "2026-12-03T07:00:00Z")), "data.metrics[0].data[0].date"),
        (_payload((5, "2026-12-03 07:00:00")), "data.metrics[0].data[0].date"),
        ({"data": {"metrics": [{"name": "step_count", "data": [7]}]}}, "data.metrics[0].data[0]"),
    ],
)
def test_a_malformed_payload_is_422_naming_what_is_wrong(member, body, named):
    answer = _post(_client(member), body)
    assert answer.status_code == 422, answer.content
    detail = answer.json()["detail"]
    assert named in json.dumps(detail)
    assert not DailyActivity.objects.filter(user=member).exists()


def test_a_body_that_is_not_json_is_400(member):
    answer = _client(member).post(URL, "{not json", content_type="application/json")
    assert answer.status_code == 400
    assert "detail" in answer.json()


def test_a_read_token_is_403(member):
    answer = _post(_client(member, ApiToken.Scope.READ), _payload((5, "2026-12-03 07:00:00 +0530")))
    assert answer.status_code == 403
    assert "scope" in answer.json()["detail"]
    assert not DailyActivity.objects.filter(user=member).exists()


def test_no_token_is_401(member):
    # As in the role matrix: no token and no session (a client that sent no CSRF cookie is
    # refused 403 by the session check before that).
    answer = _post(Client(), _payload((5, "2026-12-03 07:00:00 +0530")))
    assert answer.status_code == 401
    assert "detail" in answer.json()


def test_a_staff_account_logs_no_steps(path):
    organiser = StaffFactory()
    answer = _post(_client(organiser), _payload((5, "2026-12-03 07:00:00 +0530")))
    assert answer.status_code == 403
    assert not DailyActivity.objects.exists()


def test_runs_are_rate_limited_like_other_activity_writes(member, settings):
    settings.ACTIVITY_UPDATES_PER_MEMBER = "2/m"
    client = _client(member)
    body = _payload((5, "2026-12-03 07:00:00 +0530"))
    assert [_post(client, body).status_code for _ in range(3)] == [200, 200, 429]


def test_a_post_writes_only_the_token_owners_days(member):
    other = MemberFactory(time_zone="Asia/Kolkata", group=member.group)
    _post(_client(member), _payload((700, "2026-12-03 07:00:00 +0530")))
    assert _days(member) == {DEC[3]: (700, "apple_health")}
    assert not DailyActivity.objects.filter(user=other).exists()
