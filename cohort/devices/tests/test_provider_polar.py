"""The Polar adapter against a local fake speaking AccessLink v3."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from cohort.devices.providers import PROVIDERS
from cohort.devices.providers.base import (
    BadResponse,
    GrantRevoked,
    TokenExpired,
    Tokens,
    WebhookRejected,
)
from cohort.devices.providers.polar import Polar
from cohort.devices.tests.fakes.polar import FakePolar
from cohort.devices.tests.fakes.server import FakeResponse
from cohort.devices.tests.provider_checks import assert_http_failures_mapped, assert_unreachable

REDIRECT = "https://cohort.example/profile/devices/polar/callback/"
HOOK = "/api/v1/devices/polar/webhook"
DATA = "/v3/users/activities"


@pytest.fixture
def fake(settings):
    with FakePolar() as fake:
        for key, value in fake.settings().items():
            setattr(settings, key, value)
        settings.DEVICE_HTTP_TIMEOUT = 0.3
        yield fake


@pytest.fixture
def polar():
    return Polar()


def _connect(polar: Polar, fake: FakePolar) -> Tokens:
    url = polar.authorise_url(redirect_uri=REDIRECT, state="st-1", code_challenge=None)
    back = fake.consent(url)
    return polar.exchange(code=back["code"], redirect_uri=REDIRECT, code_verifier=None)


def test_registered_and_enabled_only_with_client_id_and_secret(settings):
    assert isinstance(PROVIDERS["polar"], Polar)
    settings.POLAR_CLIENT_ID, settings.POLAR_CLIENT_SECRET = "", ""
    assert not Polar().enabled()
    settings.POLAR_CLIENT_ID, settings.POLAR_CLIENT_SECRET = "id", "secret"
    assert Polar().enabled()


def test_authorise_url(fake, polar):
    url = polar.authorise_url(redirect_uri=REDIRECT, state="st-1", code_challenge=None)
    query = {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{fake.url}/oauth2/authorization?")
    assert query == {
        "response_type": "code",
        "client_id": "cohort-client",
        "redirect_uri": REDIRECT,
        "scope": "accesslink.read_all",
        "state": "st-1",
    }


def test_exchange_uses_basic_auth_and_registers_the_member(fake, polar):
    tokens = _connect(polar, fake)
    assert tokens.external_user_id == "475"
    assert tokens.expires_at is None and tokens.refresh_token == ""  # never expires
    assert not tokens.expires_within(10**9)
    token_call = next(r for r in fake.requests if r.path == "/v2/oauth2/token")
    assert token_call.headers["authorization"].startswith("Basic ")
    assert "client_secret" not in token_call.form()
    register = fake.requests[-1]
    assert (register.method, register.path) == ("POST", "/v3/users")
    assert register.json() == {"member-id": "cohort-475"}
    assert "475" in fake.registered


def test_reconnecting_an_already_registered_member_is_fine(fake, polar):
    _connect(polar, fake)
    tokens = _connect(polar, fake)  # POST /v3/users answers 409 this time
    assert tokens.external_user_id == "475"


def test_wrong_client_secret_is_refused(fake, polar, settings):
    settings.POLAR_CLIENT_SECRET = "wrong"
    url = polar.authorise_url(redirect_uri=REDIRECT, state="s", code_challenge=None)
    code = fake.consent(url)["code"]
    with pytest.raises(BadResponse):  # 401 on the token call: our configuration, not the member
        polar.exchange(code=code, redirect_uri=REDIRECT, code_verifier=None)


def test_an_unknown_code_is_invalid_grant(fake, polar):
    with pytest.raises(GrantRevoked):
        polar.exchange(code="made-up", redirect_uri=REDIRECT, code_verifier=None)


def test_there_is_no_refresh_a_refused_token_means_reconnect(fake, polar):
    tokens = _connect(polar, fake)
    with pytest.raises(GrantRevoked):
        polar.refresh(tokens)


def test_daily_steps_asks_in_pieces_of_28_days(fake, polar):
    tokens = _connect(polar, fake)
    start, end = dt.date(2026, 9, 1), dt.date(2026, 11, 9)  # 70 days
    days = {start + dt.timedelta(days=n): 2000 + n for n in range(70) if n % 10}
    fake.set_steps("475", days)
    assert polar.daily_steps(tokens, start=start, end=end, time_zone="Europe/Helsinki") == days
    calls = [(r.arg("from"), r.arg("to")) for r in fake.requests if r.path == DATA]
    assert calls == [
        ("2026-09-01", "2026-09-28"),
        ("2026-09-29", "2026-10-26"),
        ("2026-10-27", "2026-11-09"),
    ]


def test_a_range_without_days_is_empty(fake, polar):
    tokens = _connect(polar, fake)
    day = dt.date(2026, 11, 9)
    assert polar.daily_steps(tokens, start=day, end=day, time_zone="UTC") == {}
    fake.fail_next(FakeResponse(204, b""), path=DATA)
    assert polar.daily_steps(tokens, start=day, end=day, time_zone="UTC") == {}


def test_a_withdrawn_grant_answers_401_token_expired(fake, polar):
    tokens = _connect(polar, fake)
    fake.withdraw("475")
    day = dt.date(2026, 11, 9)
    with pytest.raises(TokenExpired):  # the hub then calls refresh(): GrantRevoked
        polar.daily_steps(tokens, start=day, end=day, time_zone="UTC")


def test_http_failures_are_told_apart(fake, polar):
    tokens = _connect(polar, fake)
    fake.set_steps("475", {dt.date(2026, 11, 30): 4321})
    assert_http_failures_mapped(polar, fake, tokens, data_path=DATA)


def test_an_unreachable_polar_is_temporary(settings, polar):
    settings.POLAR_API_URL = "http://127.0.0.1:9"
    settings.DEVICE_HTTP_TIMEOUT = 0.3
    assert_unreachable(polar, Tokens(access_token="x"))


def test_revoke_deletes_the_registration(fake, polar):
    tokens = _connect(polar, fake)
    polar.revoke(tokens)
    assert (fake.requests[-1].method, fake.requests[-1].path) == ("DELETE", "/v3/users/475")
    assert "475" not in fake.registered and "475" in fake.revoked


# -- webhooks ----------------------------------------------------------------------------------
def test_the_creation_ping_is_answered_200(fake, polar):
    answer = polar.webhook_challenge(fake.event(event="PING", key="unknown-yet").django(HOOK))
    assert answer.status_code == 200
    assert polar.webhook_challenge(fake.event().django(HOOK)) is None


def test_a_signed_activity_summary_names_the_member_and_its_day(fake, polar):
    day = dt.date(2026, 11, 30)
    (event,) = polar.webhook_events(fake.event(day=day).django(HOOK))
    assert (event.external_user_id, event.start, event.end) == ("475", day, day)


def test_a_wrongly_signed_event_is_rejected(fake, polar):
    with pytest.raises(WebhookRejected):
        polar.webhook_events(fake.event(key="not-our-key").django(HOOK))


def test_a_tampered_event_is_rejected(fake, polar):
    call = fake.event(day=dt.date(2026, 11, 30))
    call.body = call.body.replace(b"475", b"476")
    with pytest.raises(WebhookRejected):
        polar.webhook_events(call.django(HOOK))


def test_an_event_without_secret_configured_is_rejected(fake, polar, settings):
    settings.POLAR_WEBHOOK_SECRET = ""
    with pytest.raises(WebhookRejected):
        polar.webhook_events(fake.event().django(HOOK))


def test_other_events_sync_nothing(fake, polar):
    call = fake.event(event="EXERCISE")
    assert polar.webhook_events(call.django(HOOK)) == []
    assert json.loads(call.body)["user_id"] == 475
