"""The degraded-mode cache backend against a real Redis that stops answering: misses and
no-ops instead of errors, one timeout per retry period, one warning, and nothing cached
before the outage served after it."""

# ruff: noqa: S101, S603, S607

import logging
import subprocess
import time

import pytest
from django.test import RequestFactory
from django_ratelimit.core import get_usage

from cohort.core import redis_cache
from cohort.core.redis_cache import CACHE_UNAVAILABLE, ResilientRedisCache, cache_degraded
from system.faults.conftest import REDIS_PORT

RETRY_SECONDS = 1


def _backend(db: int) -> ResilientRedisCache:
    return ResilientRedisCache(
        f"redis://127.0.0.1:{REDIS_PORT}/{db}",
        {"KEY_PREFIX": "unit", "OPTIONS": {"RETRY_SECONDS": RETRY_SECONDS, "socket_timeout": 0.2}},
    )


def _pause_redis(milliseconds: int) -> None:
    """Redis stays up with its data but answers nobody for a while: a partition, not a
    restart, so values cached before it are still there afterwards."""
    subprocess.run(
        ["redis-cli", "-p", str(REDIS_PORT), "client", "pause", str(milliseconds), "ALL"],
        check=True,
        capture_output=True,
        timeout=5,
    )


def _wait_until_retry(cache: ResilientRedisCache) -> None:
    time.sleep(max(0.0, cache._circuit.down_until - time.monotonic()) + 0.05)


def _skipped() -> float:
    return CACHE_UNAVAILABLE.labels("skipped")._value.get()


@pytest.fixture(autouse=True)
def _redis_answers_again(redis_server):
    """After each test: Redis unpaused, and this process forgets the circuits of the test
    backends, so nothing here reads as degraded to the tests that follow."""
    yield
    redis_server.redis_ping()  # returns once a pause a test started is over
    for location in [loc for loc in redis_cache._circuits if f":{REDIS_PORT}/" in loc]:
        del redis_cache._circuits[location]


@pytest.fixture
def cache(redis_server):
    backend = _backend(db=3)
    backend.clear()
    return backend


def test_unanswered_calls_are_misses_and_no_ops_then_the_circuit_skips_redis(cache, caplog):
    cache.set("kept", "value")
    _pause_redis(1500)
    with caplog.at_level(logging.WARNING, logger="cohort.core.redis_cache"):
        assert cache.get("kept") is None  # times out: a miss
        skipped = _skipped()
        for n in range(100):  # the circuit is open: Redis is not asked at all
            assert cache.get("kept", "default") == "default"
            assert cache.set(f"k{n}", n) is None
            assert cache.add("new", 1) is False
            assert cache.get_many(["kept", "other"]) == {}
            assert cache.delete("kept") is False
        with pytest.raises(ValueError):
            cache.incr("counter")  # as for a missing key
    assert _skipped() - skipped == 501
    assert cache_degraded()
    warnings = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(warnings) == 1


def test_values_cached_before_an_outage_are_not_served_after_it(cache):
    cache.set("unread:7", 3)
    _pause_redis(800)
    cache.delete("unread:7")  # the invalidation times out and is lost
    time.sleep(0.9)  # Redis answers again; it still holds the old value
    _wait_until_retry(cache)
    assert cache.get("unread:7") is None  # a new generation: the stale 3 is never read
    assert not cache_degraded()
    cache.set("unread:7", 0)
    assert cache.get("unread:7") == 0


def test_other_processes_move_to_the_new_generation(cache):
    other = _backend(db=3)  # a second process's view: its own circuit
    other._circuit = redis_cache._Circuit()
    other.generation_check_seconds = 0.2
    other.set("board", "old")
    _pause_redis(500)
    cache.get("board")  # this process sees the outage
    time.sleep(0.6)
    _wait_until_retry(cache)
    cache.get("board")  # ... and starts a new generation on recovery
    time.sleep(0.3)
    assert other.get("board") is None


def test_rate_limits_fail_open_while_redis_is_down(redis_server, settings):
    settings.RATELIMIT_USE_CACHE = "faults-unit"
    settings.CACHES = {
        **settings.CACHES,
        "faults-unit": {
            "BACKEND": "cohort.core.redis_cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{REDIS_PORT}/4",
            "OPTIONS": {"RETRY_SECONDS": RETRY_SECONDS, "socket_timeout": 0.2},
        },
    }
    request = RequestFactory().post("/api/v1/activity/2026-01-01")
    _pause_redis(1000)
    usage = get_usage(
        request, group="unit", key=lambda _g, _r: "member", rate="1/m", increment=True
    )
    assert usage is None  # not counted, not refused (RATELIMIT_FAIL_OPEN)
