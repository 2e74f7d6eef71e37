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
    # No scheduler thread in tests: they run jobs themselves (cohort/ops/tests/test_schedule.py).
    settings.SCHEDULE_IN_PROCESS = False
    _own_redis_db_per_xdist_worker()
    _commits_without_waiting_for_the_disk()
    _flush_by_delete()
    _force_login_verifies_organisers()


def _commits_without_waiting_for_the_disk():
    """PostgreSQL's synchronous_commit=off for the test sessions: a commit returns before its
    WAL reaches the disk. Locks, visibility and constraints are exactly as in production; only
    a crash of the server could lose the last commits, which tests never need. The suite's
    real commits (transactional tests, their table flushes) then cost a fraction."""
    for alias in settings.DATABASES.values():
        if alias["ENGINE"] == "django.db.backends.postgresql":
            options = alias.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


def _flush_by_delete():
    """After a transactional test Django empties every table with one TRUNCATE, which on
    PostgreSQL makes new files for each of the ~50 tables and their indexes (0.6 s a test).
    The tables hold a test's few rows, so DELETE (foreign keys checked at the commit, as
    Django creates them DEFERRABLE) empties them in a hundredth of that."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return ["SET CONSTRAINTS ALL DEFERRED;"] + [
            f"DELETE FROM {self.quote_name(table)};"  # noqa: S608 (table names from Django)
            for table in tables
        ]

    DatabaseOperations.sql_flush = sql_flush


def _own_redis_db_per_xdist_worker():
    """Under pytest-xdist (`make check`) each worker has its own test database (pytest-django
    names it) and here its own Redis database: every test clears the cache, which must not
    wipe what a test in the other worker just cached."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not settings.REDIS_URL:
        return
    from urllib.parse import urlsplit, urlunsplit

    from asgiref.local import Local
    from django.core.cache import caches

    url = urlsplit(settings.REDIS_URL)
    base = int(url.path.strip("/") or 0)
    db = (base - 1 - int(worker[2:])) % 16
    settings.REDIS_URL = urlunsplit(url._replace(path=f"/{db}"))
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": settings.REDIS_URL},
    }
    caches.__dict__.pop("settings", None)
    caches._connections = Local(caches.thread_critical)


def _force_login_verifies_organisers():
    """An organiser signed in by client.force_login has also passed the TOTP step (a
    confirmed device and django-otp's session key), as after a real sign-in; the code step
    itself is tested in system/security/ and e2e/."""
    from django.test import Client

    force_login = Client.force_login

    def force_login_verified(self, user, backend=None):
        force_login(self, user, backend)
        if getattr(user, "role", None) == "organiser":
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            from cohort.accounts.services.two_factor import SESSION_VERIFIED_USER

            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session[SESSION_VERIFIED_USER] = user.pk
            session.save()

    Client.force_login = force_login_verified


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached values never leak from one test into the next."""
    from django.core.cache import cache

    from cohort.core.models import SiteText
    from cohort.core.selectors import SITE_TEXT_KEY, site_text_unwritten

    cache.clear()
    # Each test starts without site texts, so the terms gate's cached answer ("no terms") is
    # known: primed, so a page's first request costs what its later ones do, as in a running
    # site whose cache holds it (query-count tests compare a cold page with a warm one).
    cache.set_many(
        {SITE_TEXT_KEY.format(key=key): site_text_unwritten(key) for key in SiteText.Key.values},
        3600,
    )
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
    from cohort.competition.leaderboards import store

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


@pytest.fixture
def member(db):
    """A member of a group of their own. Tests in apps below accounts (core, ops) get
    their users here: their modules may not import accounts' factories."""
    from cohort.accounts.tests.factories import MemberFactory

    return MemberFactory()


@pytest.fixture
def staff_of_role(db):
    """staff_of_role(role) -> a new staff user with that role ("mentor", "coordinator",
    "organiser")."""
    from cohort.accounts.tests.factories import StaffFactory

    return lambda role, **kwargs: StaffFactory(role=role, **kwargs)
