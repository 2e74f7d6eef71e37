"""Checks every provider adapter must pass against its fake, shared by the
test_provider_<name>.py modules: the HTTP failures the hub relies on being told apart."""

from __future__ import annotations

import datetime as dt

import pytest

from cohort.devices.providers.base import (
    BadResponse,
    Provider,
    RateLimited,
    TemporaryError,
    Tokens,
)
from cohort.devices.tests.fakes.server import FakeProvider, FakeResponse


def assert_http_failures_mapped(
    provider: Provider, fake: FakeProvider, tokens: Tokens, *, data_path: str
) -> None:
    """429 + Retry-After -> RateLimited, 500 -> TemporaryError, malformed JSON -> BadResponse,
    a slow answer past DEVICE_HTTP_TIMEOUT -> TemporaryError, connection refused ->
    TemporaryError; and after each, the next call succeeds."""
    day = dt.date(2026, 11, 30)

    def fetch():
        return provider.daily_steps(tokens, start=day, end=day, time_zone="Europe/London")

    fake.fail_next(FakeResponse(429, {"error": "slow down"}, {"Retry-After": "17"}), path=data_path)
    with pytest.raises(RateLimited) as limited:
        fetch()
    assert limited.value.retry_after == 17

    fake.fail_next(FakeResponse(500, "<h1>Internal Server Error</h1>"), path=data_path)
    with pytest.raises(TemporaryError):
        fetch()

    fake.fail_next(
        FakeResponse(200, "{not json", {"Content-Type": "application/json"}), path=data_path
    )
    with pytest.raises(BadResponse):
        fetch()

    fake.fail_next(FakeResponse(200, {"unexpected": "shape"}), path=data_path)
    with pytest.raises(BadResponse):
        fetch()

    fake.fail_next(FakeResponse(200, {}, delay=1.0), path=data_path)  # timeout is 0.3 s
    with pytest.raises(TemporaryError):
        fetch()

    assert fetch() == {day: 4321}  # the fake answers normally again


def assert_unreachable(provider: Provider, tokens: Tokens) -> None:
    day = dt.date(2026, 11, 30)
    with pytest.raises(TemporaryError):
        provider.daily_steps(tokens, start=day, end=day, time_zone="UTC")
