"""The production profile: `check --deploy` is silent, and pages carry the security headers."""

import os
import secrets
import subprocess  # noqa: S404

import pytest
from django.urls import reverse

from cohort.core.testing import python_run

PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "cohort.example.org",
    "HTTPS": "1",
    "DEBUG": "0",
    "TRUSTED_PROXY_COUNT": "1",
    # Settings only: `check --deploy` opens no connection to either.
    "DATABASE_URL": "postgres://cohort:secret@db.example.org:5432/cohort",
    "REDIS_URL": "redis://cache.example.org:6379/0",
}


def _run(argv: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run in a fresh interpreter, so settings are read again from these variables."""
    # Not the test run's own switches either (the browser tests allow sync ORM calls from
    # Playwright's event loop, which a deployment must never do).
    dropped = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return python_run(argv, environment)


def _setting(name: str, **env: str) -> str:
    code = (
        f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    )
    result = _run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_check_deploy_reports_nothing_with_production_variables():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_forwarded_proto_is_trusted_only_behind_a_trusted_proxy():
    behind_proxy = _setting("SECURE_PROXY_SSL_HEADER", **PRODUCTION_ENV)
    assert behind_proxy == "('HTTP_X_FORWARDED_PROTO', 'https')"
    direct = _setting("SECURE_PROXY_SSL_HEADER", **{**PRODUCTION_ENV, "TRUSTED_PROXY_COUNT": "0"})
    assert direct == "None"


@pytest.mark.django_db
def test_pages_carry_the_content_security_policy_and_security_headers(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self' 'unsafe-hashes'" in policy
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-eval'" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_https_adds_hsts_and_redirects_plain_http_except_health_checks(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    plain = client.get(reverse("accounts:login"))
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://")
    secure = client.get(reverse("accounts:login"), secure=True)
    assert secure.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert client.get("/health/live/").status_code == 200


def test_pgbouncer_mode_turns_server_side_cursors_off():
    found = _setting(
        "DATABASES",
        DATABASE_URL="postgres://cohort@127.0.0.1:6432/cohort",
        DB_DISABLE_SERVER_SIDE_CURSORS="1",
    )
    assert "'DISABLE_SERVER_SIDE_CURSORS': True" in found
    direct = _setting("DATABASES", DATABASE_URL="postgres://cohort@127.0.0.1:5432/cohort")
    assert "'DISABLE_SERVER_SIDE_CURSORS': False" in direct
