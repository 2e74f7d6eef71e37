"""The Withings adapter against a local fake speaking Withings' protocol."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from cohort.devices.providers import PROVIDERS
from cohort.devices.providers.base import (
    GrantRevoked,
    RateLimited,
    TemporaryError,
    TokenExpired,
    Tokens,
    WebhookRejected,
)
from cohort.devices.providers.withings import Withings
from cohort.devices.tests.fakes.server import FakeResponse
from cohort.devices.tests.fakes.withings import FakeWithings
from cohort.devices.tests.provider_checks import assert_http_failures_mapped, assert_unreachable

REDIRECT = "https://cohort.example/profile/devices/withings/callback/"
HOOK = "/api/v1/devices/withings/webhook"


@pytest.fixture
def fake(settings):
    with FakeWithings() as fake:
        for key, value in fake.settings().items():
            setattr(settings, key, value)
        settings.DEVICE_HTTP_TIMEOUT = 0.3
        settings.WITHINGS_WEBHOOK_SECRET = "hook-secret"
        settings.WITHINGS_CALLBACK_URL = ""
        yield fake


@pytest.fixture
def withings():
    return Withings()


def _connect(withings: Withings, fake: FakeWithings) -> Tokens:
    url = withings.authorise_url(redirect_uri=REDIRECT, state="st-1", code_challenge=None)
    back = fake.consent(url)
    return withings.exchange(code=back["code"], redirect_uri=REDIRECT, code_verifier=None)


def test_registered_and_enabled_only_with_client_id_and_secret(settings):
    assert isinstance(PROVIDERS["withings"], Withings)
    settings.WITHINGS_CLIENT_ID, settings.WITHINGS_CLIENT_SECRET = "id", ""
    assert not Withings().enabled()
    settings.WITHINGS_CLIENT_SECRET = "secret"
    assert Withings().enabled()


def test_authorise_url_asks_for_activity_with_state_and_no_pkce(fake, withings):
    url = withings.authorise_url(redirect_uri=REDIRECT, state="st-1", code_challenge="ignored")
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{fake.url}/oauth2_user/authorize2"
    assert query == {
        "response_type": "code",
        "client_id": "cohort-client",
        "redirect_uri": REDIRECT,
        "scope": "user.activity",
        "state": "st-1",
    }


def test_consent_then_exchange_gives_tokens_and_the_withings_user(fake, withings):
    url = withings.authorise_url(redirect_uri=REDIRECT, state="st-9", code_challenge=None)
    back = fake.consent(url)
    assert back["state"] == "st-9"
    tokens = withings.exchange(code=back["code"], redirect_uri=REDIRECT, code_verifier=None)
    assert tokens.access_token in fake.access
    assert tokens.refresh_token in fake.refresh_tokens
    assert tokens.external_user_id == "1234567"
    assert tokens.expires_within(3 * 3600 + 60) and not tokens.expires_within(3 * 3600 - 60)
    form = fake.requests[-1].form()
    assert form["action"] == "requesttoken" and form["grant_type"] == "authorization_code"


def test_denied_consent_comes_back_without_a_code(fake, withings):
    url = withings.authorise_url(redirect_uri=REDIRECT, state="st-2", code_challenge=None)
    assert fake.consent(url, allow=False) == {"error": "access_denied", "state": "st-2"}


def test_exchange_subscribes_activity_notifications_with_our_token(fake, withings, settings):
    settings.WITHINGS_CALLBACK_URL = "https://cohort.example/api/v1/devices/withings/webhook"
    tokens = _connect(withings, fake)
    (subscription,) = fake.subscriptions
    assert subscription["appli"] == "16"
    assert subscription["callbackurl"] == f"{settings.WITHINGS_CALLBACK_URL}?token=hook-secret"
    assert tokens.external_user_id == "1234567"


def test_a_failed_subscription_does_not_fail_the_connection(fake, withings, settings):
    settings.WITHINGS_CALLBACK_URL = "https://cohort.example/hook"
    fake.fail_next(FakeResponse(200, {"status": 2555, "body": {}}), path="/notify")
    assert _connect(withings, fake).access_token


def test_a_used_code_is_invalid_grant(fake, withings):
    url = withings.authorise_url(redirect_uri=REDIRECT, state="s", code_challenge=None)
    code = fake.consent(url)["code"]
    withings.exchange(code=code, redirect_uri=REDIRECT, code_verifier=None)
    with pytest.raises(GrantRevoked):
        withings.exchange(code=code, redirect_uri=REDIRECT, code_verifier=None)


def test_refresh_rotates_the_refresh_token(fake, withings):
    tokens = _connect(withings, fake)
    renewed = withings.refresh(tokens)
    assert renewed.access_token != tokens.access_token
    assert renewed.refresh_token != tokens.refresh_token
    assert renewed.external_user_id == "1234567"
    with pytest.raises(GrantRevoked):  # the old refresh token died with its use
        withings.refresh(tokens)


def test_refresh_after_the_member_withdrew_is_grant_revoked(fake, withings):
    tokens = _connect(withings, fake)
    fake.withdraw("1234567")
    with pytest.raises(GrantRevoked):
        withings.refresh(tokens)


def test_daily_steps_over_a_range_pages_through_more_and_offset(fake, withings):
    tokens = _connect(withings, fake)
    start = dt.date(2026, 10, 1)
    days = {start + dt.timedelta(days=n): 1000 + n for n in range(25) if n != 3}
    fake.set_steps("1234567", days)
    fake.set_steps("1234567", {dt.date(2026, 9, 30): 99, dt.date(2026, 10, 26): 99})
    got = withings.daily_steps(
        tokens, start=start, end=dt.date(2026, 10, 25), time_zone="Asia/Kolkata"
    )
    assert got == days  # the day without data (Oct 4) is absent, not 0
    assert fake.count("/v2/measure") == 3  # 24 days, 10 a page


def test_a_day_reported_by_two_devices_counts_once_at_the_higher_total(fake, withings):
    tokens = _connect(withings, fake)
    day = dt.date(2026, 11, 2)
    two = {
        "status": 0,
        "body": {
            "activities": [
                {"date": "2026-11-02", "steps": 5000, "deviceid": "watch"},
                {"date": "2026-11-02", "steps": 7000, "deviceid": None},
            ],
            "more": False,
            "offset": 0,
        },
    }
    fake.fail_next(FakeResponse(200, two), path="/v2/measure")
    assert withings.daily_steps(tokens, start=day, end=day, time_zone="UTC") == {day: 7000}


def test_an_expired_access_token_is_token_expired(fake, withings):
    tokens = _connect(withings, fake)
    day = dt.date(2026, 11, 2)
    stale = Tokens(access_token="stale", refresh_token=tokens.refresh_token)
    with pytest.raises(TokenExpired):
        withings.daily_steps(stale, start=day, end=day, time_zone="UTC")


def test_status_601_in_a_200_answer_is_rate_limited(fake, withings):
    tokens = _connect(withings, fake)
    fake.fail_next(FakeResponse(200, {"status": 601, "body": {}}), path="/v2/measure")
    day = dt.date(2026, 11, 2)
    with pytest.raises(RateLimited):
        withings.daily_steps(tokens, start=day, end=day, time_zone="UTC")
    fake.fail_next(FakeResponse(200, {"status": 2555, "body": {}}), path="/v2/measure")
    with pytest.raises(TemporaryError):
        withings.daily_steps(tokens, start=day, end=day, time_zone="UTC")


def test_http_failures_are_told_apart(fake, withings):
    tokens = _connect(withings, fake)
    fake.set_steps("1234567", {dt.date(2026, 11, 30): 4321})
    assert_http_failures_mapped(withings, fake, tokens, data_path="/v2/measure")


def test_an_unreachable_withings_is_temporary(settings, withings):
    settings.WITHINGS_API_URL = "http://127.0.0.1:9"
    settings.DEVICE_HTTP_TIMEOUT = 0.3
    assert_unreachable(withings, Tokens(access_token="x"))


def test_revoke_signs_with_a_nonce_and_ends_the_grant(fake, withings):
    tokens = _connect(withings, fake)
    withings.revoke(tokens)
    assert "1234567" in fake.revoked
    nonce_call, revoke_call = fake.requests[-2:]
    assert nonce_call.path == "/v2/signature" and nonce_call.form()["action"] == "getnonce"
    assert revoke_call.form()["action"] == "revoke"
    assert revoke_call.form()["userid"] == "1234567"
    day = dt.date(2026, 11, 2)
    with pytest.raises(TokenExpired):
        withings.daily_steps(tokens, start=day, end=day, time_zone="UTC")


# -- notifications ---------------------------------------------------------------------------
def test_head_check_of_the_callback_url_is_answered(fake, withings, rf):
    assert withings.webhook_challenge(rf.head(HOOK)).status_code == 200
    assert withings.webhook_challenge(rf.post(HOOK)) is None


def test_a_callback_with_our_token_names_the_member_and_the_days(fake, withings):
    start = int(dt.datetime(2026, 11, 2, 6, tzinfo=dt.UTC).timestamp())
    end = int(dt.datetime(2026, 11, 2, 22, tzinfo=dt.UTC).timestamp())
    call = fake.callback(user="1234567", start=start, end=end, token="hook-secret")
    (event,) = withings.webhook_events(call.django(HOOK))
    assert event.external_user_id == "1234567"
    # UNIX instants: the member's civil day may be either side of the UTC one.
    assert (event.start, event.end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 3))


@pytest.mark.parametrize("token", ["", "wrong", "hook-secret-and-more"])
def test_a_callback_without_our_token_is_rejected(fake, withings, token):
    call = fake.callback(user="1234567", start=1, end=2, token=token)
    with pytest.raises(WebhookRejected):
        withings.webhook_events(call.django(HOOK))


def test_no_secret_configured_rejects_every_callback(fake, withings, settings):
    settings.WITHINGS_WEBHOOK_SECRET = ""
    call = fake.callback(user="1234567", start=1, end=2, token="")
    with pytest.raises(WebhookRejected):
        withings.webhook_events(call.django(HOOK))


def test_a_callback_about_weight_syncs_nothing(fake, withings):
    call = fake.callback(user="1234567", start=1, end=2, token="hook-secret", appli=1)
    assert withings.webhook_events(call.django(HOOK)) == []


def test_a_malformed_callback_is_rejected(fake, withings, rf):
    request = rf.post(f"{HOOK}?token=hook-secret", {"userid": "1", "appli": "16"})
    with pytest.raises(WebhookRejected):
        withings.webhook_events(request)
