"""Django's RedisCache, made safe to lose: the degraded mode when Redis is down.

- A connection error or timeout is a miss (reads) or a no-op (writes), never an exception.
- A circuit: after a failure nobody in this process calls Redis for RETRY_SECONDS, so a
  dead Redis costs one short socket timeout per process and period, not one per call.
- One warning when Redis goes away and one when it comes back, per process; the gauge
  `cohort_cache_degraded` is 1 meanwhile and /health/ says "degraded".
- Generations: every key carries a generation kept in Redis itself. A process that saw
  Redis unreachable starts a new generation when it comes back (its writes and
  invalidations meanwhile were lost), so values cached before the outage are never served
  after it; the cache only rebuilds. A restarted, empty Redis holds nothing from before,
  so any generation is safe there: the first process to ask puts its own back. Other
  processes read the generation again every GENERATION_CHECK_SECONDS.

Sessions use `cached_db`, so they live in the database and survive all of this.
"""

import logging
import secrets
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from prometheus_client import Counter, Gauge
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What "Redis is unreachable" looks like; anything else (a bad command) is a bug and raises.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

CACHE_DEGRADED = Gauge(
    "cohort_cache_degraded",
    "1 while this process treats the Redis cache as down (the degraded mode)",
    multiprocess_mode="max",
)
CACHE_UNAVAILABLE = Counter(
    "cohort_cache_unavailable",
    "Cache calls answered without Redis: failed, or skipped while the circuit was open",
    ["outcome"],
)


class _Circuit:
    """The state one process shares across its threads (Django makes a cache object per
    thread) for one Redis location."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0  # monotonic; 0 while closed
        self.is_down = False
        self.generation: str | None = None
        self.generation_read_at = 0.0

    def is_open(self) -> bool:
        return self.is_down and time.monotonic() < self.down_until


_circuits: dict[str, _Circuit] = {}
_circuits_lock = threading.Lock()


def _circuit_for(location: str) -> _Circuit:
    with _circuits_lock:
        return _circuits.setdefault(location, _Circuit())


class _SharedClient(RedisCacheClient):
    """Django's client, building its redis.Redis once per server instead of per call:
    redis-py's constructor fills two case-insensitive dicts of ~160 response callbacks, which
    cost more CPU than the round trip it is made for. A redis.Redis is thread-safe (each
    command borrows a connection from the pool), and the pool reconnects after a fork."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client


# One client (and so one connection pool) per location and options per process, shared by
# the cache object Django makes for each thread.
_clients: dict[str, _SharedClient] = {}


def cache_degraded() -> bool:
    """True when some Redis cache of this process is in the degraded mode."""
    return any(c.is_down for c in _circuits.values())


class ResilientRedisCache(RedisCache):
    """OPTIONS beyond redis-py's: RETRY_SECONDS (5) and GENERATION_CHECK_SECONDS (2)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        self.generation_check_seconds = float(options.pop("GENERATION_CHECK_SECONDS", 2))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, {**params, "OPTIONS": options})
        self._circuit = _circuit_for(repr(self._servers))
        self._generation_key = f"{self.key_prefix}:generation"
        self._client_key = repr((self._servers, sorted(self._options.items())))

    @property
    def _cache(self):  # type: ignore[override]
        client = _clients.get(self._client_key)
        if client is None:
            with _circuits_lock:
                client = _clients.setdefault(
                    self._client_key, _SharedClient(self._servers, **self._options)
                )
        return client

    # --- the circuit -------------------------------------------------------------------
    def _call(self, fallback, call):
        circuit = self._circuit
        if circuit.is_open():
            CACHE_UNAVAILABLE.labels("skipped").inc()
            return fallback
        try:
            if circuit.is_down:  # the first call after RETRY_SECONDS: is Redis back?
                self._recover()
            return call()
        except UNREACHABLE as exc:
            self._trip(exc)
            return fallback

    def _trip(self, exc: Exception) -> None:
        circuit = self._circuit
        CACHE_UNAVAILABLE.labels("failed").inc()
        with circuit.lock:
            was_down = circuit.is_down
            circuit.is_down = True
            circuit.down_until = time.monotonic() + self.retry_seconds
        CACHE_DEGRADED.set(1)
        if not was_down:
            logger.warning(
                "cache: Redis unreachable (%s: %s); serving from the database, retrying every %ss",
                type(exc).__name__,
                exc,
                self.retry_seconds,
            )

    def _recover(self) -> None:
        """Redis answers again (raises if not): start a new generation, since this process's
        writes and invalidations during the outage were lost."""
        circuit = self._circuit
        client = self._cache.get_client(write=True)
        client.ping()
        with circuit.lock:
            if not circuit.is_down:
                return
            circuit.generation = secrets.token_hex(6)
            client.set(self._generation_key, circuit.generation)
            circuit.generation_read_at = time.monotonic()
            circuit.is_down = False
            circuit.down_until = 0.0
        CACHE_DEGRADED.set(0)
        logger.warning("cache: Redis reachable again; the cache rebuilds from the database")

    # --- generations --------------------------------------------------------------------
    def _generation(self) -> str:
        circuit = self._circuit
        now = time.monotonic()
        if circuit.generation is None or now - circuit.generation_read_at >= (
            self.generation_check_seconds
        ):
            client = self._cache.get_client(write=True)
            found = client.get(self._generation_key)
            if found is None:
                # An empty Redis (new, flushed or restarted) holds no values from before, so
                # keeping this process's generation is safe, and a flush between a test's
                # warm-up and its assertions does not empty the cache a second time.
                mine = circuit.generation or secrets.token_hex(6)
                client.set(self._generation_key, mine, nx=True)
                found = client.get(self._generation_key)
            circuit.generation = found.decode() if isinstance(found, bytes) else str(found)
            circuit.generation_read_at = now
        return circuit.generation

    def make_key(self, key, version=None):
        if version is None:
            version = self.version
        generation = self._generation()
        prefix = f"{self.key_prefix}:{generation}" if self.key_prefix else generation
        return self.key_func(key, prefix, version)

    # --- the cache API, each call guarded ------------------------------------------------
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        base = super()
        return self._call(False, lambda: base.add(key, value, timeout, version))

    def get(self, key, default=None, version=None):
        base = super()
        return self._call(default, lambda: base.get(key, default, version))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        base = super()
        return self._call(None, lambda: base.set(key, value, timeout, version))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        base = super()
        return self._call(False, lambda: base.touch(key, timeout, version))

    def delete(self, key, version=None):
        base = super()
        return self._call(False, lambda: base.delete(key, version))

    def get_many(self, keys, version=None):
        base = super()
        return self._call({}, lambda: base.get_many(keys, version))

    def has_key(self, key, version=None):
        base = super()
        return self._call(False, lambda: base.has_key(key, version))

    def incr(self, key, delta=1, version=None):
        base = super()
        missing = object()
        found = self._call(missing, lambda: base.incr(key, delta, version))
        if found is missing:  # as for a key that is not there (django-ratelimit expects it)
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
        return found

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        base = super()
        return self._call(list(data), lambda: base.set_many(data, timeout, version))

    def delete_many(self, keys, version=None):
        base, keys = super(), list(keys)
        return self._call(None, lambda: base.delete_many(keys, version))

    def clear(self):
        base = super()
        return self._call(None, base.clear)
