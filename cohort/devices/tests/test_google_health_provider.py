"""The Google Health adapter against the local fake speaking its documented protocol."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from cohort.devices.providers.base import (
    BadResponse,
    GrantRevoked,
    RateLimited,
    TemporaryError,
    TokenExpired,
    Tokens,
)
from cohort.devices.tests.fakes.google_health import ROLLUP, TOKEN
from cohort.devices.tests.fakes.server import FakeResponse

DAY = dt.date(2026, 3, 2)
VERIFIER = "v" * 64


def _consent(provider, google, *, redirect="http://testserver/cb/", verifier=VERIFIER):
    url = provider.authorise_url(
        redirect_uri=redirect, state="st4te", code_challenge=create_s256_code_challenge(verifier)
    )
    page = requests.get(url, timeout=5)
    assert page.status_code == 200 and "Allow" in page.text
    query = parse_qs(urlsplit(url).query)
    answer = requests.post(
        url.split("?")[0],
        data={
            "decision": "allow",
            "redirect_uri": redirect,
            "state": query["state"][0],
            "code_challenge": query["code_challenge"][0],
            "scope": query["scope"][0],
        },
        allow_redirects=False,
        timeout=5,
    )
    back = parse_qs(urlsplit(answer.headers["Location"]).query)
    return back["code"][0], back["state"][0]


def _tokens(google, user="u1"):
    access, refresh = google.issue(user)
    return Tokens(access_token=access, refresh_token=refresh, external_user_id=user)


def test_authorise_url_asks_offline_access_with_pkce_s256(provider):
    url = provider.authorise_url(redirect_uri="http://x/cb/", state="s", code_challenge="c")
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["access_type"] == ["offline"]
    assert query["state"] == ["s"]
    assert "activity_and_fitness.readonly" in query["scope"][0]


def test_exchange_checks_the_verifier_and_reads_the_identity(provider, google):
    code, state = _consent(provider, google)
    assert state == "st4te"
    tokens = provider.exchange(
        code=code, redirect_uri="http://testserver/cb/", code_verifier=VERIFIER
    )
    assert tokens.external_user_id == "1001"
    assert tokens.refresh_token and tokens.expires_at is not None


def test_a_wrong_verifier_is_refused(provider, google):
    code, _ = _consent(provider, google)
    with pytest.raises(GrantRevoked):
        provider.exchange(code=code, redirect_uri="http://testserver/cb/", code_verifier="x" * 64)


def test_daily_steps_reads_int64_strings_and_real_zeros(provider, google):
    tokens = _tokens(google)
    google.steps[("u1", DAY)] = 12_345
    days = provider.daily_steps(tokens, start=DAY, end=DAY + dt.timedelta(days=2), time_zone="UTC")
    assert days == {DAY: 12_345, DAY + dt.timedelta(days=1): 0, DAY + dt.timedelta(days=2): 0}
    body = google.requests[-1].json()
    assert body["windowSizeDays"] == 1
    assert body["range"]["end"]["date"] == {"year": 2026, "month": 3, "day": 5}  # closed-open


def test_refresh_keeps_the_refresh_token_google_does_not_resend(provider, google):
    tokens = _tokens(google)
    fresh = provider.refresh(tokens)
    assert fresh.access_token != tokens.access_token
    assert fresh.refresh_token == tokens.refresh_token
    assert fresh.external_user_id == "u1"


def test_a_withdrawn_grant_fails_refresh_as_revoked(provider, google):
    tokens = _tokens(google)
    google.withdraw("u1")
    with pytest.raises(TokenExpired):
        provider.daily_steps(tokens, start=DAY, end=DAY, time_zone="UTC")
    with pytest.raises(GrantRevoked):
        provider.refresh(tokens)


def test_failures_map_onto_the_interface(provider, google):
    tokens = _tokens(google)
    google.fail_next(FakeResponse(429, {"error": "x"}, {"Retry-After": "7"}), path=ROLLUP)
    with pytest.raises(RateLimited) as limited:
        provider.daily_steps(tokens, start=DAY, end=DAY, time_zone="UTC")
    assert limited.value.retry_after == 7
    google.fail_next(FakeResponse(500, {"error": "x"}), path=ROLLUP)
    with pytest.raises(TemporaryError):
        provider.daily_steps(tokens, start=DAY, end=DAY, time_zone="UTC")
    google.fail_next(FakeResponse(200, "{not json", {"Content-Type": "application/json"}))
    with pytest.raises(BadResponse):
        provider.daily_steps(tokens, start=DAY, end=DAY, time_zone="UTC")
    google.fail_next(FakeResponse(200, {"rollupDataPoints": [{"steps": {"countSum": "-5"}}]}))
    with pytest.raises(BadResponse):
        provider.daily_steps(tokens, start=DAY, end=DAY, time_zone="UTC")


def test_a_slow_answer_past_the_timeout_is_temporary(provider, google, settings):
    settings.DEVICE_HTTP_TIMEOUT = 0.2
    google.fail_next(FakeResponse(200, {"rollupDataPoints": []}, delay=0.6), path=ROLLUP)
    with pytest.raises(TemporaryError):
        provider.daily_steps(_tokens(google), start=DAY, end=DAY, time_zone="UTC")


def test_revoke_withdraws_the_grant(provider, google):
    tokens = _tokens(google)
    provider.revoke(tokens)
    assert google.revoked == [tokens.refresh_token]
    assert google.count(TOKEN) == 0
    with pytest.raises(GrantRevoked):
        provider.refresh(tokens)
