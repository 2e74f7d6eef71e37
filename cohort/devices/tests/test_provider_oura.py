"""The Oura adapter against a local fake speaking Oura's API v2."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from cohort.devices.providers import PROVIDERS
from cohort.devices.providers.base import GrantRevoked, TokenExpired, Tokens, WebhookRejected
from cohort.devices.providers.oura import Oura
from cohort.devices.tests.fakes.oura import FakeOura
from cohort.devices.tests.fakes.server import FakeResponse
from cohort.devices.tests.provider_checks import assert_http_failures_mapped, assert_unreachable

REDIRECT = "https://cohort.example/profile/devices/oura/callback/"
HOOK = "/api/v1/devices/oura/webhook"
USER = "8f9a5221-639e-4a2c-8e3c-1a2b3c4d5e6f"
DATA = "/v2/usercollection/daily_activity"


@pytest.fixture
def fake(settings):
    with FakeOura() as fake:
        for key, value in fake.settings().items():
            setattr(settings, key, value)
        settings.DEVICE_HTTP_TIMEOUT = 0.3
        settings.OURA_WEBHOOK_VERIFICATION_TOKEN = "verify-me"
        yield fake


@pytest.fixture
def oura():
    return Oura()


def _connect(oura: Oura, fake: FakeOura) -> Tokens:
    url = oura.authorise_url(redirect_uri=REDIRECT, state="st-1", code_challenge=None)
    back = fake.consent(url)
    return oura.exchange(code=back["code"], redirect_uri=REDIRECT, code_verifier=None)


def test_registered_and_enabled_only_with_client_id_and_secret(settings):
    assert isinstance(PROVIDERS["oura"], Oura)
    settings.OURA_CLIENT_ID, settings.OURA_CLIENT_SECRET = "", "secret"
    assert not Oura().enabled()
    settings.OURA_CLIENT_ID = "id"
    assert Oura().enabled()


def test_authorise_url_asks_for_daily_and_personal_scopes_with_state(fake, oura):
    url = oura.authorise_url(redirect_uri=REDIRECT, state="st-1", code_challenge=None)
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    assert url.startswith(f"{fake.url}/oauth/authorize?")
    assert query == {
        "response_type": "code",
        "client_id": "cohort-client",
        "redirect_uri": REDIRECT,
        "scope": "personal daily",
        "state": "st-1",
    }


def test_exchange_reads_the_member_id_from_personal_info(fake, oura):
    tokens = _connect(oura, fake)
    assert tokens.access_token in fake.access
    assert tokens.refresh_token in fake.refresh_tokens
    assert tokens.external_user_id == USER
    assert tokens.scope == "personal daily"
    assert tokens.expires_at is not None
    token_call = next(r for r in fake.requests if r.path == "/oauth/token")
    assert token_call.form()["client_secret"] == "s3cret"  # client credentials in the form
    assert fake.requests[-1].path == "/v2/usercollection/personal_info"


def test_exchange_with_a_wrong_redirect_uri_is_invalid_grant(fake, oura):
    url = oura.authorise_url(redirect_uri=REDIRECT, state="s", code_challenge=None)
    code = fake.consent(url)["code"]
    with pytest.raises(GrantRevoked):
        oura.exchange(code=code, redirect_uri="https://elsewhere.example/", code_verifier=None)


def test_refresh_tokens_work_once(fake, oura):
    tokens = _connect(oura, fake)
    renewed = oura.refresh(tokens)
    assert renewed.access_token != tokens.access_token
    assert renewed.refresh_token not in ("", tokens.refresh_token)
    assert renewed.external_user_id == USER  # kept from the first tokens
    with pytest.raises(GrantRevoked):
        oura.refresh(tokens)


def test_daily_steps_pages_with_next_token_and_keeps_only_the_range(fake, oura):
    tokens = _connect(oura, fake)
    start, end = dt.date(2026, 10, 1), dt.date(2026, 10, 24)
    days = {start + dt.timedelta(days=n): 3000 + n for n in range(24) if n % 7 != 2}
    fake.set_steps(USER, days)
    fake.set_steps(USER, {end + dt.timedelta(days=1): 1, start - dt.timedelta(days=1): 1})
    got = oura.daily_steps(tokens, start=start, end=end, time_zone="America/Los_Angeles")
    assert got == days
    calls = [r for r in fake.requests if r.path == DATA]
    assert len(calls) == 3
    assert calls[0].arg("start_date") == "2026-10-01"
    assert calls[0].arg("end_date") == "2026-10-25"  # one past: Oura's end may be exclusive
    assert calls[1].arg("next_token") == "10"


def test_a_zero_day_that_oura_reports_is_zero(fake, oura):
    tokens = _connect(oura, fake)
    day = dt.date(2026, 11, 3)
    fake.set_steps(USER, {day: 0})
    assert oura.daily_steps(tokens, start=day, end=day, time_zone="UTC") == {day: 0}


def test_negative_or_fractional_steps_are_bad_responses(fake, oura):
    from cohort.devices.providers.base import BadResponse

    tokens = _connect(oura, fake)
    day = dt.date(2026, 11, 3)
    for steps in (-5, 12.5, "many", None):
        body = {"data": [{"day": "2026-11-03", "steps": steps}], "next_token": None}
        fake.fail_next(FakeResponse(200, body), path=DATA)
        with pytest.raises(BadResponse):
            oura.daily_steps(tokens, start=day, end=day, time_zone="UTC")


def test_a_refused_access_token_is_token_expired(fake, oura):
    _connect(oura, fake)
    day = dt.date(2026, 11, 3)
    with pytest.raises(TokenExpired):
        oura.daily_steps(Tokens(access_token="old"), start=day, end=day, time_zone="UTC")


def test_http_failures_are_told_apart(fake, oura):
    tokens = _connect(oura, fake)
    fake.set_steps(USER, {dt.date(2026, 11, 30): 4321})
    assert_http_failures_mapped(oura, fake, tokens, data_path=DATA)


def test_an_unreachable_oura_is_temporary(settings, oura):
    settings.OURA_API_URL = "http://127.0.0.1:9"
    settings.DEVICE_HTTP_TIMEOUT = 0.3
    assert_unreachable(oura, Tokens(access_token="x"))


def test_revoke_ends_the_grant(fake, oura):
    tokens = _connect(oura, fake)
    oura.revoke(tokens)
    assert USER in fake.revoked
    assert fake.requests[-1].path == "/oauth/revoke"
    with pytest.raises(GrantRevoked):
        oura.refresh(tokens)


# -- webhooks ----------------------------------------------------------------------------------
def test_subscription_verification_echoes_the_challenge(fake, oura):
    answer = oura.webhook_challenge(fake.verification(token="verify-me").django(HOOK))
    assert answer.status_code == 200
    assert json.loads(answer.content) == {"challenge": "c-123"}


def test_verification_with_another_token_is_refused(fake, oura):
    answer = oura.webhook_challenge(fake.verification(token="nope").django(HOOK))
    assert answer.status_code == 401
    assert "detail" in json.loads(answer.content)


def test_an_event_is_not_a_challenge(fake, oura):
    assert oura.webhook_challenge(fake.event().django(HOOK)) is None


def test_a_signed_daily_activity_event_names_the_member_and_days_around_it(fake, oura):
    when = dt.datetime(2026, 11, 3, 8, 0, tzinfo=dt.UTC)
    (event,) = oura.webhook_events(fake.event(when=when).django(HOOK))
    assert event.external_user_id == USER
    assert (event.start, event.end) == (dt.date(2026, 11, 2), dt.date(2026, 11, 4))


def test_a_wrongly_signed_event_is_rejected(fake, oura):
    with pytest.raises(WebhookRejected):
        oura.webhook_events(fake.event(secret="someone-else").django(HOOK))


def test_a_tampered_event_is_rejected(fake, oura):
    call = fake.event()
    call.body = call.body.replace(USER.encode(), b"another-member")
    with pytest.raises(WebhookRejected):
        oura.webhook_events(call.django(HOOK))


def test_an_unsigned_event_is_rejected(fake, oura):
    call = fake.event()
    call.headers = {}
    with pytest.raises(WebhookRejected):
        oura.webhook_events(call.django(HOOK))


@pytest.mark.parametrize(
    ("data_type", "event_type"), [("sleep", "update"), ("daily_activity", "delete")]
)
def test_other_events_sync_nothing(fake, oura, data_type, event_type):
    call = fake.event(data_type=data_type, event_type=event_type)
    assert oura.webhook_events(call.django(HOOK)) == []


def test_refused_client_credentials_are_not_a_members_expired_token(fake, oura, settings):
    from cohort.devices.providers.base import BadResponse

    tokens = _connect(oura, fake)
    settings.OURA_CLIENT_SECRET = "rotated-elsewhere"
    with pytest.raises(BadResponse):
        oura.refresh(tokens)
