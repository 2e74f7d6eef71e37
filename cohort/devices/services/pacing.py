"""Pacing requests per provider within its published limit, across every worker: a counter
per provider and minute in the shared cache, and a provider-wide pause after a 429."""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

from cohort.devices.providers.base import Provider, RateLimited

log = logging.getLogger(__name__)

# A pause a 429 asked for that is longer than this is not slept through: the sync is
# deferred (retry_not_before) instead of holding a worker.
MAX_WAIT_SECONDS = 5.0
_sleep = time.sleep


def requests_per_minute(provider: Provider) -> int:
    """The provider's pace: <PREFIX>_REQUESTS_PER_MINUTE, else its published limit."""
    return int(provider.setting("REQUESTS_PER_MINUTE", provider.requests_per_minute))


def _cooldown_key(provider: Provider) -> str:
    return f"devices:cooldown:{provider.name}"


def provider_cooldown_set(*, provider: Provider, seconds: float) -> None:
    """A 429's Retry-After holds every request to the provider, from any worker."""
    until = time.time() + seconds
    try:
        cache.set(_cooldown_key(provider), until, timeout=int(seconds) + 1)
    except Exception:  # noqa: BLE001 - pacing is best effort when the cache is away
        log.warning("devices: could not store the cooldown of %s", provider.name)


def request_slot_take(provider: Provider) -> None:
    """Block until a request to `provider` fits its per-minute budget; RateLimited when the
    provider asked for a pause longer than MAX_WAIT_SECONDS."""
    limit = requests_per_minute(provider)
    while True:
        now = time.time()
        try:
            until = cache.get(_cooldown_key(provider))
            if until and until > now:
                if until - now > MAX_WAIT_SECONDS:
                    raise RateLimited(f"{provider.label} asked us to slow down.", until - now)
                _sleep(until - now)
                continue
            key = f"devices:pace:{provider.name}:{int(now // 60)}"
            cache.add(key, 0, timeout=120)
            taken = cache.incr(key)
        except RateLimited:
            raise
        except Exception:  # noqa: BLE001 - the cache is down: go unpaced rather than stop
            return
        if taken <= limit:
            return
        _sleep(60 - now % 60 + 0.01)
