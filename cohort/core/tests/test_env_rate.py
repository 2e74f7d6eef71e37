"""The write-limit settings are read by config.env.rate, which refuses a malformed rate at
start-up rather than letting the limiter fail (and, failing open, limit nothing)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env


@pytest.mark.parametrize("value", ["20/m", "100/15m", "500/h", "1/d", " 3/s "])
def test_a_rate_is_a_count_per_period(monkeypatch, value):
    monkeypatch.setenv("SOME_RATE", value)
    assert env.rate("SOME_RATE", "9/m") == value.strip()


@pytest.mark.parametrize("value", ["20", "0/m", "-1/m", "20/minute", "m/20", "20 per m"])
def test_a_malformed_rate_fails_loudly(monkeypatch, value):
    monkeypatch.setenv("SOME_RATE", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_RATE"):
        env.rate("SOME_RATE", "9/m")


def test_an_unset_rate_is_the_default(monkeypatch):
    monkeypatch.delenv("SOME_RATE", raising=False)
    assert env.rate("SOME_RATE", "9/m") == "9/m"
