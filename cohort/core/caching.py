"""Read-through caching with the hit rate counted (Prometheus counters, by cache name).

`cached` never fails because the cache does: a cache that is down counts as a miss and the
value is computed. The counters are per process; /health/ shows this process's rates.
"""

import logging
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from prometheus_client import Counter

from cohort.core.db_router import primary_reads

logger = logging.getLogger(__name__)

_MISSING = object()

CACHE_LOOKUPS = Counter(
    "cohort_cache_lookups",
    "Cache lookups by cached thing and outcome (hit or miss)",
    ["cache", "result"],
)


def cache_count(name: str, *, hit: bool) -> None:
    CACHE_LOOKUPS.labels(name, "hit" if hit else "miss").inc()


def cached(name: str, key: str, compute: Callable[[], Any], timeout: int = 300) -> Any:
    """The cached value under `key`, or `compute()` stored there. None is a value too."""
    try:
        value = cache.get(key, _MISSING)
    except Exception:
        logger.warning("cache unavailable for %s", name, exc_info=True)
        value = _MISSING
    cache_count(name, hit=value is not _MISSING)
    if value is not _MISSING:
        return value
    # From the primary: a value built from a lagging replica would be stored under the key a
    # write just renewed, and served stale until the next change.
    with primary_reads():
        value = compute()
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("cache unavailable for %s", name, exc_info=True)
    return value


def cached_from(found: dict, name: str, key: str, compute: Callable[[], Any], timeout: int) -> Any:
    """`cached`, when the caller may already hold the value from a `cache_get_many`."""
    if key in found:
        cache_count(name, hit=True)
        return found[key]
    return cached(name, key, compute, timeout)


def cache_get_many(keys: Iterable[str]) -> dict:
    """Several keys in one round trip; {} when the cache is down."""
    try:
        return cache.get_many(list(keys))
    except Exception:
        logger.warning("cache unavailable", exc_info=True)
        return {}


def cache_set(key: str, value: Any, timeout: int | None) -> None:
    """Store a value; a cache that is down is logged, not raised."""
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("cache unavailable: could not store %s", key, exc_info=True)


def cache_set_many(values: dict, timeout: int | None) -> None:
    """Store several values in one round trip; a cache that is down is logged, not raised."""
    try:
        cache.set_many(values, timeout)
    except Exception:
        logger.warning("cache unavailable: could not store %d values", len(values), exc_info=True)


def cache_forget(keys: Iterable[str]) -> None:
    """Delete these keys now; a cache that is down is logged, not raised."""
    keys = list(keys)
    if not keys:
        return
    try:
        cache.delete_many(keys)
    except Exception:
        logger.warning("cache unavailable: could not drop %s", keys[:3], exc_info=True)


def cache_forget_on_commit(keys: Iterable[str]) -> None:
    """Delete these keys once the caller's transaction commits (at once outside one), so a
    reader cannot refill them from data that is about to change."""
    keys = list(keys)
    if keys:
        transaction.on_commit(lambda: cache_forget(keys))


def cache_version(key: str, timeout: int | None) -> int | None:
    """The version stored under `key`, starting a random one if there is none: values
    cached under a version die when cache_forget drops it. None if the cache is down."""
    try:
        version = cache.get(key)
        if version is None:
            cache.add(key, secrets.randbits(62), timeout)
            version = cache.get(key)
        return version
    except Exception:
        logger.warning("cache unavailable: no version for %s", key, exc_info=True)
        return None


def cache_version_start(key: str, timeout: int | None) -> int | None:
    """cache_version for a caller that has just read `key` and found nothing: one round trip
    when this call starts the version (the usual case), two when another got there first."""
    try:
        version = secrets.randbits(62)
        if cache.add(key, version, timeout):
            return version
        return cache.get(key)
    except Exception:
        logger.warning("cache unavailable: no version for %s", key, exc_info=True)
        return None


def cache_hit_rates() -> dict[str, dict]:
    """{cache name: {"hits": n, "misses": m, "hit_rate": r}} for this process."""
    counts: dict[str, dict] = {}
    for metric in CACHE_LOOKUPS.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total"):
                entry = counts.setdefault(sample.labels["cache"], {"hits": 0, "misses": 0})
                entry["hits" if sample.labels["result"] == "hit" else "misses"] += int(sample.value)
    for entry in counts.values():
        total = entry["hits"] + entry["misses"]
        entry["hit_rate"] = round(entry["hits"] / total, 3) if total else None
    return counts
