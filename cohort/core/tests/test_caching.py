"""The read-through cache helpers every app's pages use (cohort/core/caching.py): a value is
computed once and then read, None is a value, a cache that is down is a miss and never an
error, keys go when the writer's transaction commits, and versions start and renew."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from cohort.core.caching import (
    cache_forget,
    cache_forget_on_commit,
    cache_hit_rates,
    cache_version,
    cached,
)

pytestmark = pytest.mark.django_db

# A plain Redis backend at a closed port: every call raises, as a real outage does.
_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return None if len(calls) > 5 else len(calls)

    return calls, compute


def test_the_value_is_computed_once_then_read():
    calls, compute = _counter()
    assert cached("test", "caching:a", compute) == 1
    assert cached("test", "caching:a", compute) == 1
    assert len(calls) == 1


def test_none_is_a_value_too():
    assert cached("test", "caching:none", lambda: None) is None
    assert cached("test", "caching:none", lambda: "recomputed") is None


def test_hits_and_misses_are_counted_by_name():
    before = cache_hit_rates().get("test-rates", {"hits": 0, "misses": 0})
    cached("test-rates", "caching:rates", lambda: 1)
    cached("test-rates", "caching:rates", lambda: 1)
    after = cache_hit_rates()["test-rates"]
    assert (after["hits"] - before["hits"], after["misses"] - before["misses"]) == (1, 1)


def test_a_cache_that_is_down_computes_every_time_and_raises_nothing():
    calls, compute = _counter()
    with override_settings(CACHES=_DOWN):
        assert cached("test", "caching:down", compute) == 1
        assert cached("test", "caching:down", compute) == 2
        cache_forget(["caching:down"])
        assert cache_version("caching:down-version", None) is None


@pytest.mark.django_db(transaction=True)
def test_keys_are_forgotten_when_the_transaction_commits_not_before():
    cache.set("caching:page", "old")
    with transaction.atomic():
        cache_forget_on_commit(["caching:page"])
        assert cache.get("caching:page") == "old"  # a reader still sees the committed data
    assert cache.get("caching:page") is None


def test_a_version_is_stable_until_forgotten_then_renewed():
    first = cache_version("caching:version", None)
    assert cache_version("caching:version", None) == first
    cache_forget(["caching:version"])
    assert cache_version("caching:version", None) not in (None, first)
