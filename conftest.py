"""Test-only settings tweaks and shared fixtures. The suite runs against the services
`make test` found (PostgreSQL and Redis, or SQLite and local memory)."""

import datetime as dt
import os

import pytest
import time_machine
from django.conf import settings


def pytest_configure():
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Serve static files from the app folders: tests never run collectstatic.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached values never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _clock_at_test_now():
    """TEST_NOW=2026-03-10T23:30:00+00:00 runs the suite with the clock starting there, to
    catch tests that only pass at some hours (members' days differ across time zones)."""
    start = os.environ.get("TEST_NOW")
    if not start:
        yield
        return
    with time_machine.travel(dt.datetime.fromisoformat(start), tick=True):
        yield


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture
def postgres_only():
    if not is_postgres():
        pytest.skip("needs PostgreSQL row locks; `make test` found only SQLite")


@pytest.fixture
def redis_leaderboards(settings):
    """The Redis leaderboards on the test Redis, emptied; skipped without Redis."""
    if not settings.REDIS_URL:
        pytest.skip("needs Redis; `make test` found only local memory")
    from cohort.competition import store

    store.client.cache_clear()
    client = store.client()
    for key in client.scan_iter("leaderboard:*"):
        client.delete(key)
    yield client
    store.client.cache_clear()


@pytest.fixture
def signed_in(client):
    """signed_in(user) -> the test client, signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
