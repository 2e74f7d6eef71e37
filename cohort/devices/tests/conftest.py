"""Fixtures of the device sync's tests: the local Google Health fake, pointed at by the
settings, and a member on a current path."""

import datetime as dt

import pytest
from django.utils import timezone

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.core.clock import user_today
from cohort.devices.models import DeviceConnection
from cohort.devices.providers import get_provider
from cohort.devices.tests.fakes.google_health import FakeGoogleHealth
from cohort.journeys.tests.factories import path_create


@pytest.fixture(scope="session")
def _google_server():
    with FakeGoogleHealth() as fake:
        yield fake


@pytest.fixture
def google(_google_server, settings):
    """The fake Google Health API, reset, with the settings pointing at it."""
    fake = _google_server
    fake.__init__()  # fresh tables and routes, same server
    for key, value in fake.settings().items():
        setattr(settings, key, value)
    settings.DEVICE_HTTP_TIMEOUT = 1
    return fake


@pytest.fixture
def provider(google):
    return get_provider("google_health")


@pytest.fixture
def walker(db):
    path_create(start=timezone.localdate() - dt.timedelta(days=60))
    return MemberFactory(group=GroupFactory(name="Walkers"), time_zone="America/Chicago")


@pytest.fixture
def today(walker):
    return user_today(walker)


@pytest.fixture
def connected(google, walker):
    """connected(user=walker, expires_in=3600) -> the member's active connection, with
    tokens the fake issued for health user id "u<pk>"."""
    from cohort.devices.providers.base import Tokens
    from cohort.devices.services.connections import device_connection_store

    def connect(user=None, *, expires_in: int = 3600) -> DeviceConnection:
        user = user or walker
        external = f"u{user.pk}"
        access, refresh = google.issue(external)
        tokens = Tokens(
            access_token=access,
            refresh_token=refresh,
            expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=expires_in),
            external_user_id=external,
        )
        return device_connection_store(user=user, provider_name="google_health", tokens=tokens)

    return connect
