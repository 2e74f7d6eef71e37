"""Item 9 of the review: no sign-in CSRF. The API sign-in takes JSON only (a browser cannot
send that cross-origin without a CORS preflight, which we never grant) and refuses a
cross-origin Origin or Referer; every HTML page that starts a session needs Django's CSRF
token. A script with neither header (curl, a device) still signs in with JSON."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from cohort.accounts.services.invites import invite_token_create
from cohort.accounts.tests.factories import GROUP_PASSWORD, MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login"


def _post(body: str, content_type: str, path: str = LOGIN, **headers):
    client = Client()
    if content_type == "multipart/form-data":
        # As a browser's form sends it: a real multipart body with its boundary.
        fields = json.loads(body)
        response = client.post(path, fields, headers=headers)
    else:
        response = client.post(path, body, content_type=content_type, headers=headers)
    return client, response


def _no_session(client, response) -> None:
    assert "sessionid" not in response.cookies
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_cross_site_form_cannot_sign_anyone_in(content_type):
    member = MemberFactory()
    body = json.dumps({"email": member.email, "password": GROUP_PASSWORD})
    client, response = _post(body, content_type, Origin="https://evil.example")
    # A multipart body is not JSON at all: refused (400) before the sign-in reads it.
    assert response.status_code == (400 if content_type == "multipart/form-data" else 415)
    assert "detail" in response.json()
    _no_session(client, response)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_is_415_even_without_an_origin(content_type):
    member = MemberFactory()
    body = json.dumps({"email": member.email, "password": GROUP_PASSWORD})
    client, response = _post(body, content_type)
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]
    _no_session(client, response)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://testserver.evil.example"},
        {"Referer": "https://evil.example/page"},
        {"Referer": "not a url"},
    ],
)
def test_json_from_another_origin_is_403(headers):
    member = MemberFactory()
    body = json.dumps({"email": member.email, "password": GROUP_PASSWORD})
    client, response = _post(body, "application/json", **headers)
    assert response.status_code == 403
    assert "detail" in response.json()
    _no_session(client, response)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Origin": "http://testserver"}, {"Referer": "http://testserver/login/"}],
)
def test_json_from_our_own_pages_or_a_script_signs_in(headers):
    member = MemberFactory()
    body = json.dumps({"email": member.email, "password": GROUP_PASSWORD})
    client, response = _post(body, "application/json; charset=utf-8", **headers)
    assert response.status_code == 200
    assert client.get("/api/v1/me").json()["id"] == member.pk


def test_a_trusted_origin_signs_in(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.org"]
    member = MemberFactory()
    body = json.dumps({"email": member.email, "password": GROUP_PASSWORD})
    _client, response = _post(body, "application/json", Origin="https://app.example.org")
    assert response.status_code == 200


def test_no_public_api_write_starts_a_session_from_a_cross_site_form():
    """Every POST that needs no sign-in, sent as a cross-site form would send it."""
    from config.api import api

    member = MemberFactory()
    body = json.dumps({"email": member.email, "password": GROUP_PASSWORD})
    schema = api.get_openapi_schema()
    public_posts = [
        path
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method == "post" and not operation.get("security")
    ]
    assert LOGIN in public_posts
    for path in public_posts:
        if "{provider}" in path:
            # Providers' webhooks take each provider's own body (Withings posts a form): they
            # refuse an unsigned one, and start no session either.
            path = path.replace("{provider}", "oura")
            client, response = _post(body, "text/plain", path, Origin="https://evil.example")
            assert response.status_code in (400, 401, 404), path
        else:
            client, response = _post(body, "text/plain", path, Origin="https://evil.example")
            assert response.status_code == 415, path
        _no_session(client, response)


def test_every_page_that_starts_a_session_needs_the_csrf_token(settings):
    settings.REGISTRATION_OPEN = True
    member = MemberFactory()
    organiser = StaffFactory()
    join = reverse("accounts:join", args=[invite_token_create(group=member.group)])
    pages = {
        reverse("accounts:login"): {"email": member.email, "password": GROUP_PASSWORD},
        join: {"display_name": "New", "email": "new@example.com"},
        reverse("accounts:register"): {
            "group_name": "Forged",
            "display_name": "F",
            "email": "forged@example.com",
            "password": "a-forged-group-password",
            "confirm": "a-forged-group-password",
        },
        "/admin/login/": {"username": organiser.email, "password": "x"},
    }
    for url, data in pages.items():
        client = Client(enforce_csrf_checks=True)
        response = client.post(url, data, headers={"Origin": "https://evil.example"})
        assert response.status_code == 403, url
        _no_session(client, response)
    # The code step, for a session the attacker does not hold, needs the token too.
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(organiser)
    assert signed_in.post("/2fa/", {"code": "123456"}).status_code == 403
    assert signed_in.post("/2fa/setup/", {"code": "123456"}).status_code == 403


def test_a_form_body_sent_to_any_json_operation_is_400_not_500(client):
    """NulCharacterMiddleware reads multipart forms before the view; an operation (or page)
    that reads a JSON body still finds the raw body and refuses it, never a 500."""
    member = MemberFactory()
    client.force_login(member)
    response = client.post("/api/v1/notifications/read", {"all": "true"})  # multipart
    assert response.status_code == 400
    assert "parse" in response.json()["detail"]
    response = client.post("/login/passkey/", {"credential": "x"})
    assert response.status_code == 422
    assert "JSON" in response.json()["detail"]
