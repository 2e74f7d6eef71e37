"""The shared OAuth half of the provider fakes checks what real providers check, so an
adapter that gets the grant wrong fails against it: the client's credentials, the redirect
URI, one use per code, and the PKCE verifier where the provider uses PKCE."""

from __future__ import annotations

import base64
import hashlib

import pytest
import requests

from cohort.devices.providers.oauth import authorise_url
from cohort.devices.tests.fakes.oura import FakeOura

REDIRECT = "https://cohort.example/callback/"


class FakeWithPkce(FakeOura):
    uses_pkce = True


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@pytest.fixture
def fake():
    with FakeWithPkce() as fake:
        yield fake


def _code(fake, challenge: str | None) -> str:
    url = authorise_url(
        f"{fake.url}/oauth/authorize",
        client_id=fake.client_id,
        redirect_uri=REDIRECT,
        state="s",
        scope="daily",
        code_challenge=challenge,
    )
    return fake.consent(url)["code"]


def _token(fake, **form) -> requests.Response:
    base = {
        "grant_type": "authorization_code",
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
        "redirect_uri": REDIRECT,
    }
    return requests.post(f"{fake.url}/oauth/token", data={**base, **form}, timeout=5)


def test_the_right_verifier_gets_tokens_once(fake):
    verifier = "v" * 50
    code = _code(fake, _challenge(verifier))
    assert _token(fake, code=code, code_verifier=verifier).status_code == 200
    assert _token(fake, code=code, code_verifier=verifier).json() == {"error": "invalid_grant"}


def test_a_wrong_verifier_is_invalid_grant(fake):
    code = _code(fake, _challenge("v" * 50))
    answer = _token(fake, code=code, code_verifier="w" * 50)
    assert (answer.status_code, answer.json()) == (400, {"error": "invalid_grant"})


def test_the_consent_page_requires_a_challenge_when_pkce_is_used(fake):
    url = authorise_url(
        f"{fake.url}/oauth/authorize",
        client_id=fake.client_id,
        redirect_uri=REDIRECT,
        state="s",
        scope="daily",
    )
    assert requests.get(url, timeout=5).status_code == 400


def test_wrong_client_credentials_are_invalid_client(fake):
    code = _code(fake, _challenge("v" * 50))
    answer = _token(fake, code=code, code_verifier="v" * 50, client_secret="nope")
    assert (answer.status_code, answer.json()) == (401, {"error": "invalid_client"})


def test_a_different_redirect_uri_is_invalid_grant(fake):
    code = _code(fake, _challenge("v" * 50))
    answer = _token(fake, code=code, code_verifier="v" * 50, redirect_uri="https://evil.example/")
    assert answer.json() == {"error": "invalid_grant"}


def test_the_consent_page_has_a_labelled_allow_button(fake):
    url = authorise_url(
        f"{fake.url}/oauth/authorize",
        client_id=fake.client_id,
        redirect_uri=REDIRECT,
        state="s",
        scope="daily",
        code_challenge=_challenge("v" * 50),
    )
    page = requests.get(url, timeout=5).text
    assert 'id="allow"' in page and ">Allow<" in page


def test_generated_steps_serve_members_without_their_own(fake):
    import datetime as dt

    fake.generate = lambda user, day: None if day.day == 2 else 1000 + day.day
    start = dt.date(2026, 12, 1)
    assert fake.days_between("anyone", start, dt.date(2026, 12, 3)) == [
        (dt.date(2026, 12, 1), 1001),
        (dt.date(2026, 12, 3), 1003),
    ]
    fake.set_steps("someone", {start: 5})
    assert fake.days_between("someone", start, start) == [(start, 5)]
