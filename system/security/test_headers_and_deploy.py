"""Security headers on pages and on the API, and the production profile (HTTPS=1): HSTS,
secure cookies and a clean `check --deploy`, each in a fresh interpreter with production
variables."""

import json
import os
import secrets

import pytest

from cohort.core.testing import python_run
from system.security.conftest import client_for

PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "cohort.example.org",
    "HTTPS": "1",
    "DEBUG": "0",
    "TRUSTED_PROXY_COUNT": "1",
    # Settings only: nothing below opens a connection to either.
    "DATABASE_URL": "postgres://cohort:secret@db.example.org:5432/cohort",
    "REDIS_URL": "redis://cache.example.org:6379/0",
    "ORGANISER_2FA_REQUIRED": "1",
}

# Asked in the production interpreter: the sign-in page over HTTPS (no database needed for
# an anonymous GET), its headers and the flags of the cookie it sets.
_PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# Static files from the app folders: a fresh checkout has no collectstatic manifest yet.
storages = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    response = Client().get("/login/", secure=True, headers={"host": "cohort.example.org"})
    plain = Client().get("/login/", headers={"host": "cohort.example.org"})
cookie = response.cookies["csrftoken"]
print(json.dumps({
    "status": response.status_code,
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
    "hsts": response.headers.get("Strict-Transport-Security", ""),
    "csrf_cookie_secure": bool(cookie["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "session_cookie_samesite": settings.SESSION_COOKIE_SAMESITE,
    "debug": settings.DEBUG,
    "two_factor": settings.ORGANISER_2FA_REQUIRED,
}))
"""


def _production(argv: list[str]):
    dropped = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE", "COHORT_TEST_RUN"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings", **PRODUCTION_ENV}
    return python_run(argv, environment)


def _assert_security_headers(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy and "'unsafe-eval'" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_pages_and_api_answers_carry_the_security_headers(world):
    client = client_for(world.a.member)
    for url in ["/", "/activity/", "/api/v1/me", "/api/v1/notifications"]:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_security_headers(response)
    refused = client.get("/api/v1/submissions/999999")
    assert refused.status_code == 404 and refused.json() == {"detail": refused.json()["detail"]}
    _assert_security_headers(refused)


def test_production_profile_has_hsts_secure_cookies_and_https_only():
    result = _production(["-c", _PRODUCTION_PROBE])
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["status"] == 200
    assert probe["plain_status"] == 301 and probe["plain_location"].startswith("https://")
    assert probe["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert probe["csrf_cookie_secure"] and probe["session_cookie_secure"]
    assert probe["session_cookie_httponly"] and probe["session_cookie_samesite"] == "Lax"
    assert probe["debug"] is False and probe["two_factor"] is True


def test_check_deploy_is_clean_with_production_variables():
    result = _production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
