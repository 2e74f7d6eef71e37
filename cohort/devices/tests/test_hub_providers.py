"""The sync hub's flows with Withings, Oura and Polar, each against its local fake: connect
through the hub's services (the fake's consent page), the back-fill of the edit window, the
nightly sync writing the days with the provider's source, a signed webhook through
/api/v1/devices/{provider}/webhook, 429 with Retry-After, 500 then success, malformed JSON,
a revoked grant, and nothing half-written. (Google Health's flows are in test_device_*.py.)"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import time_machine

from cohort.activity.models import DailyActivity
from cohort.activity.services import device_days
from cohort.devices.models import DeviceConnection, SyncRun
from cohort.devices.providers import PROVIDERS
from cohort.devices.services.connections import device_connect_finish, device_connect_start
from cohort.devices.services.sync import device_sync
from cohort.devices.tests.fakes.oauth import OAuthFake, WebhookCall
from cohort.devices.tests.fakes.oura import FakeOura
from cohort.devices.tests.fakes.polar import FakePolar
from cohort.devices.tests.fakes.server import FakeResponse
from cohort.devices.tests.fakes.withings import FakeWithings
from cohort.journeys.models import Enrollment
from cohort.notifications.models import Notification

NIGHTLY = SyncRun.Kind.NIGHTLY
WITHINGS_SECRET = "hook-secret"


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)


def _withings_hook(fake: FakeWithings, day: dt.date, *, good: bool = True) -> WebhookCall:
    start = int(_noon(day).timestamp())
    token = WITHINGS_SECRET if good else "not-our-token"
    return fake.callback(user=fake.user, start=start, end=start + 3600, token=token)


def _oura_hook(fake: FakeOura, day: dt.date, *, good: bool = True) -> WebhookCall:
    return fake.event(when=_noon(day), secret=None if good else "not-the-secret")


def _polar_hook(fake: FakePolar, day: dt.date, *, good: bool = True) -> WebhookCall:
    return fake.event(day=day, key=None if good else "not-our-key")


@dataclass
class Hub:
    name: str
    fake_class: type[OAuthFake]
    data_path: str
    hook: Callable[..., WebhookCall]
    fake: OAuthFake | None = None

    @property
    def webhook_url(self) -> str:
        return f"/api/v1/devices/{self.name}/webhook"


HUBS = {
    "withings": Hub("withings", FakeWithings, "/v2/measure", _withings_hook),
    "oura": Hub("oura", FakeOura, "/v2/usercollection/daily_activity", _oura_hook),
    "polar": Hub("polar", FakePolar, "/v3/users/activities", _polar_hook),
}


@pytest.fixture(params=sorted(HUBS))
def hub(request, settings):
    """One provider's fake, running, with the settings pointing at it."""
    spec = HUBS[request.param]
    with spec.fake_class() as fake:
        for key, value in fake.settings().items():
            setattr(settings, key, value)
        settings.DEVICE_HTTP_TIMEOUT = 1
        settings.WITHINGS_WEBHOOK_SECRET = WITHINGS_SECRET
        settings.WITHINGS_CALLBACK_URL = ""
        settings.OURA_WEBHOOK_VERIFICATION_TOKEN = "verify-me"
        yield Hub(spec.name, spec.fake_class, spec.data_path, spec.hook, fake)


def _connect(hub: Hub, user):
    """What the profile page does: start, the fake's consent (Allow), finish."""
    session: dict = {}
    redirect_uri = f"https://cohort.example/profile/devices/{hub.name}/callback/"
    url = device_connect_start(
        session=session, user=user, provider_name=hub.name, redirect_uri=redirect_uri
    )
    back = hub.fake.consent(url)
    return device_connect_finish(
        session=session,
        user=user,
        provider_name=hub.name,
        code=back["code"],
        state=back["state"],
        redirect_uri=redirect_uri,
    )


def _set(hub: Hub, today: dt.date, *pairs: tuple[int, int]) -> None:
    hub.fake.set_steps(
        hub.fake.user, {today - dt.timedelta(days=back): steps for back, steps in pairs}
    )


def _days(user) -> dict:
    return {
        r.date: (r.steps, r.source)
        for r in DailyActivity.objects.filter(user=user).order_by("date")
    }


def test_connect_back_fills_the_edit_window_with_the_providers_source(hub, walker, today):
    _set(hub, today, (0, 4_000), (1, 9_000), (6, 2_500), (7, 99_999))
    conn, result = _connect(hub, walker)
    assert result.outcome == "ok", result.error
    assert conn.status == DeviceConnection.Status.ACTIVE
    assert conn.external_user_id == hub.fake.user
    days = _days(walker)
    assert days[today] == (4_000, hub.name)
    assert days[today - dt.timedelta(days=1)] == (9_000, hub.name)
    assert days[today - dt.timedelta(days=6)] == (2_500, hub.name)
    assert today - dt.timedelta(days=7) not in days  # outside the edit window
    assert all(source == hub.name for _steps, source in days.values())
    run = SyncRun.objects.get(user=walker)
    assert (run.kind, run.outcome, run.provider) == ("backfill", "ok", hub.name)
    assert conn.days_filled == len(days) and conn.last_sync_ok_at is not None
    assert Enrollment.objects.get(user=walker).steps >= 15_500


def test_the_nightly_sync_writes_the_changed_days(hub, walker, today):
    _set(hub, today, (0, 1_000), (2, 3_000))
    conn, _ = _connect(hub, walker)
    _set(hub, today, (0, 6_500), (1, 7_000))
    result = device_sync(connection_id=conn.pk, kind=NIGHTLY)
    assert result.outcome == "ok", result.error
    days = _days(walker)
    assert days[today] == (6_500, hub.name)
    assert days[today - dt.timedelta(days=1)] == (7_000, hub.name)
    assert days[today - dt.timedelta(days=2)] == (3_000, hub.name)
    conn.refresh_from_db()
    assert conn.failures == 0 and conn.last_error == ""
    assert SyncRun.objects.filter(user=walker, kind="nightly", outcome="ok").count() == 1


def test_a_signed_webhook_queues_a_sync_that_writes_the_day(
    hub, walker, today, client, django_capture_on_commit_callbacks
):
    conn, _ = _connect(hub, walker)
    _set(hub, today, (0, 7_777))
    call = hub.hook(hub.fake, today)
    with django_capture_on_commit_callbacks(execute=True):
        answer = _send(client, hub, call)
    assert answer.status_code == 202, answer.content
    assert answer.json() == {"queued": 1}
    run = SyncRun.objects.get(user=walker, kind="webhook")
    assert run.outcome == "ok"
    assert _days(walker)[today] == (7_777, hub.name)


def test_a_webhook_with_a_bad_signature_is_401_and_writes_nothing(
    hub, walker, today, client, django_capture_on_commit_callbacks
):
    conn, _ = _connect(hub, walker)
    _set(hub, today, (0, 7_777))
    before = _days(walker)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        answer = _send(client, hub, hub.hook(hub.fake, today, good=False))
    assert answer.status_code == 401 and answer.json()["detail"]
    assert callbacks == []
    assert not SyncRun.objects.filter(kind="webhook").exists()
    assert _days(walker) == before


def _send(client, hub: Hub, call: WebhookCall):
    from urllib.parse import urlencode

    target = hub.webhook_url + (f"?{urlencode(call.query)}" if call.query else "")
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in call.headers.items()}
    return client.generic(call.method, target, call.body, content_type=call.content_type, **extra)


def test_429_honours_retry_after_then_succeeds(hub, walker, today):
    conn, _ = _connect(hub, walker)
    _set(hub, today, (0, 2_000))
    hub.fake.fail_next(
        FakeResponse(429, {"error": "too many"}, {"Retry-After": "120"}), path=hub.data_path
    )
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock:
        result = device_sync(connection_id=conn.pk, kind=NIGHTLY)
        assert result.outcome == "retry" and result.retry_in >= 120
        assert _days(walker).get(today) is None
        conn.refresh_from_db()
        assert conn.retry_not_before and conn.last_error
        assert device_sync(connection_id=conn.pk, kind=SyncRun.Kind.HOURLY).outcome == "skipped"
        clock.shift(121)
        assert device_sync(connection_id=conn.pk, kind=NIGHTLY).outcome == "ok"
    assert _days(walker)[today] == (2_000, hub.name)
    conn.refresh_from_db()
    assert conn.failures == 0 and conn.retry_not_before is None


def test_500_then_success(hub, walker, today):
    conn, _ = _connect(hub, walker)
    _set(hub, today, (0, 5_000))
    hub.fake.fail_next(FakeResponse(500, "<h1>Internal Server Error</h1>"), path=hub.data_path)
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock:
        first = device_sync(connection_id=conn.pk, kind=NIGHTLY)
        assert first.outcome == "retry" and first.retry_in == 30
        assert _days(walker).get(today) is None
        clock.shift(31)
        assert device_sync(connection_id=conn.pk, kind=NIGHTLY).outcome == "ok"
    assert _days(walker)[today] == (5_000, hub.name)


@pytest.mark.parametrize(
    "answer",
    [
        FakeResponse(200, "{not json", {"Content-Type": "application/json"}),
        FakeResponse(200, {"unexpected": "shape"}),
        FakeResponse(200, {}, delay=1.5),  # past the 1 s timeout
    ],
    ids=["malformed-json", "wrong-shape", "slow"],
)
def test_a_bad_answer_writes_nothing(hub, walker, today, answer):
    DailyActivity.objects.create(user=walker, date=today, steps=100, source="web")
    conn, _ = _connect(hub, walker)  # nothing at the provider yet: the typed day stays
    _set(hub, today, (0, 5_000))
    before = _days(walker)
    hub.fake.fail_next(answer, path=hub.data_path)
    result = device_sync(connection_id=conn.pk, kind=NIGHTLY)
    assert result.outcome in ("retry", "failed")
    assert _days(walker) == before
    conn.refresh_from_db()
    assert conn.last_error and conn.failures == 1 and conn.status == "active"


def test_a_revoked_grant_asks_to_reconnect_once_and_stops(hub, walker, today):
    conn, _ = _connect(hub, walker)
    before = _days(walker)
    _set(hub, today, (0, 8_000))
    hub.fake.withdraw(hub.fake.user)
    result = device_sync(connection_id=conn.pk, kind=NIGHTLY)
    assert result.outcome == "reconnect", result.error
    conn.refresh_from_db()
    assert conn.status == DeviceConnection.Status.RECONNECT
    assert conn.access_token_encrypted == conn.refresh_token_encrypted == ""
    assert _days(walker) == before
    asked = len(hub.fake.requests)
    assert device_sync(connection_id=conn.pk, kind=NIGHTLY).outcome == "skipped"
    assert len(hub.fake.requests) == asked
    assert Notification.objects.filter(recipient=walker, link="/profile/devices/").count() == 1
    # Reconnecting through the consent page makes it active and syncing again.
    hub.fake.revoked.discard(hub.fake.user)
    conn, result = _connect(hub, walker)
    assert conn.status == DeviceConnection.Status.ACTIVE and result.outcome == "ok"
    assert _days(walker)[today] == (8_000, hub.name)


def test_nothing_half_written_when_a_day_fails(hub, walker, today, monkeypatch):
    conn, _ = _connect(hub, walker)
    _set(hub, today, (0, 5_000), (1, 6_000), (2, 7_000))
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


# -- the profile page, handshakes, refresh, disconnect ----------------------------------------
def test_connect_through_the_profile_page_and_the_fakes_consent(hub, walker, today, signed_in):
    client = signed_in(walker)
    _set(hub, today, (0, 6_500))
    page = client.get("/profile/devices/")
    label = PROVIDERS[hub.name].label
    assert page.status_code == 200 and label.encode() in page.content
    start = client.post(f"/profile/devices/{hub.name}/connect/")
    assert start.status_code == 302 and start["Location"].startswith(hub.fake.url)
    back = hub.fake.consent(start["Location"])
    done = client.get(f"/profile/devices/{hub.name}/callback/", back, follow=True)
    assert done.status_code == 200 and b"filled in from your device" in done.content
    conn = DeviceConnection.objects.get(user=walker, provider=hub.name)
    assert (conn.status, conn.external_user_id) == ("active", hub.fake.user)
    assert _days(walker)[today] == (6_500, hub.name)


def test_a_forged_state_on_the_callback_connects_nothing(hub, walker, signed_in):
    client = signed_in(walker)
    start = client.post(f"/profile/devices/{hub.name}/connect/")
    back = hub.fake.consent(start["Location"])
    answer = client.get(f"/profile/devices/{hub.name}/callback/", {**back, "state": "forged"})
    assert answer.status_code == 422
    assert not DeviceConnection.objects.exists() and _days(walker) == {}


VERIFY = {
    "withings": lambda fake: WebhookCall("HEAD"),
    "oura": lambda fake: fake.verification(token="verify-me"),
    "polar": lambda fake: fake.event(event="PING", key="not-known-yet"),
}


def test_the_providers_subscription_check_is_answered(hub, client, db):
    call = VERIFY[hub.name](hub.fake)
    answer = _send(client, hub, call)
    assert answer.status_code == 200, answer.content
    if hub.name == "oura":
        assert answer.json() == {"challenge": "c-123"}
    assert not SyncRun.objects.exists()


def test_a_signed_webhook_for_an_unknown_member_queues_nothing(hub, today, client, db):
    hub.fake.user = {"withings": "999999", "oura": "someone-else", "polar": "999"}[hub.name]
    answer = _send(client, hub, hub.hook(hub.fake, today))
    assert answer.status_code == 202 and answer.json() == {"queued": 0}


def test_a_token_about_to_expire_is_refreshed_before_the_sync(hub, walker, today):
    if hub.name == "polar":
        pytest.skip("Polar's tokens do not expire and it has no refresh grant")
    conn, _ = _connect(hub, walker)
    old = conn.tokens.access_token
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=60)
    conn.tokens_set(dataclasses.replace(conn.tokens, expires_at=soon))
    conn.save()
    _set(hub, today, (0, 3_300))
    assert device_sync(connection_id=conn.pk, kind=NIGHTLY).outcome == "ok"
    conn.refresh_from_db()
    assert conn.tokens.access_token not in ("", old)
    assert conn.tokens.access_token in hub.fake.access
    assert _days(walker)[today] == (3_300, hub.name)


def test_a_401_refreshes_once_or_asks_to_reconnect(hub, walker, today):
    conn, _ = _connect(hub, walker)
    hub.fake.access.pop(conn.tokens.access_token)  # the provider forgot the access token
    _set(hub, today, (0, 4_400))
    result = device_sync(connection_id=conn.pk, kind=NIGHTLY)
    if hub.name == "polar":  # no refresh grant: a refused token is a withdrawn grant
        assert result.outcome == "reconnect"
        assert _days(walker).get(today) is None
    else:
        assert result.outcome == "ok", result.error
        assert _days(walker)[today] == (4_400, hub.name)


def test_disconnect_revokes_at_the_provider_and_keeps_the_days(hub, walker, today):
    from cohort.devices.services.connections import device_disconnect

    _set(hub, today, (0, 5_500))
    _connect(hub, walker)
    conn = device_disconnect(user=walker, provider_name=hub.name)
    assert conn.status == DeviceConnection.Status.DISCONNECTED
    assert conn.access_token_encrypted == ""
    assert hub.fake.user in hub.fake.revoked
    assert _days(walker)[today] == (5_500, hub.name)
    assert device_sync(connection_id=conn.pk, kind=NIGHTLY).outcome == "skipped"


def test_a_signed_but_unreadable_webhook_is_refused_and_queues_nothing(hub, walker, client):
    import hashlib
    import hmac

    _connect(hub, walker)
    body = b"{not json"
    if hub.name == "withings":
        call = WebhookCall(
            "POST",
            b"userid=&appli=x",
            "application/x-www-form-urlencoded",
            query={"token": WITHINGS_SECRET},
        )
    elif hub.name == "oura":
        stamp = "1764770000"
        key = hub.fake.client_secret.encode()
        sig = hmac.new(key, stamp.encode() + body, hashlib.sha256).hexdigest().upper()
        call = WebhookCall(
            "POST", body, headers={"x-oura-timestamp": stamp, "x-oura-signature": sig}
        )
    else:
        sig = hmac.new(hub.fake.signature_secret_key.encode(), body, hashlib.sha256).hexdigest()
        call = WebhookCall("POST", body, headers={"Polar-Webhook-Signature": sig})
    answer = _send(client, hub, call)
    assert answer.status_code in (400, 401) and answer.json()["detail"]
    assert not SyncRun.objects.filter(kind="webhook").exists()


def test_the_same_webhook_twice_changes_nothing_the_second_time(
    hub, walker, today, client, django_capture_on_commit_callbacks
):
    _connect(hub, walker)
    _set(hub, today, (0, 4_321))
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert _send(client, hub, hub.hook(hub.fake, today)).status_code == 202
    runs = list(SyncRun.objects.filter(kind="webhook").order_by("pk"))
    assert [r.outcome for r in runs] == ["ok", "ok"]
    assert runs[0].days_written == 1 and runs[1].days_written == 0
    assert _days(walker)[today] == (4_321, hub.name)
    assert Enrollment.objects.get(user=walker).steps == 4_321


def test_a_webhook_for_a_member_who_must_reconnect_queues_nothing(hub, walker, today, client):
    conn, _ = _connect(hub, walker)
    hub.fake.withdraw(hub.fake.user)
    assert device_sync(connection_id=conn.pk, kind=NIGHTLY).outcome == "reconnect"
    answer = _send(client, hub, hub.hook(hub.fake, today))
    assert answer.status_code == 202 and answer.json() == {"queued": 0}


def test_a_back_fill_over_several_pages_is_whole(hub, walker, today):
    hub.fake.page_size = 2  # Withings' and Oura's answers come in pages
    _set(hub, today, *[(back, 1_000 + back) for back in range(7)])
    conn, result = _connect(hub, walker)
    assert result.outcome == "ok", result.error
    days = _days(walker)
    assert {day: steps for day, (steps, _s) in days.items()} == {
        today - dt.timedelta(days=back): 1_000 + back for back in range(7)
    }


def test_a_webhook_sync_that_is_rate_limited_writes_nothing(
    hub, walker, today, client, django_capture_on_commit_callbacks
):
    conn, _ = _connect(hub, walker)
    _set(hub, today, (0, 9_100))
    hub.fake.fail_next(
        FakeResponse(429, {"error": "too many"}, {"Retry-After": "60"}), path=hub.data_path
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert _send(client, hub, hub.hook(hub.fake, today)).status_code == 202
    run = SyncRun.objects.get(kind="webhook")
    assert run.outcome == "retry" and run.days_written == 0
    assert _days(walker).get(today) is None
    conn.refresh_from_db()
    assert conn.retry_not_before is not None
