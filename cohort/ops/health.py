"""Readiness checks: each returns None when healthy or a short reason when not."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from cohort.core.redis_cache import cache_degraded


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"database unreachable: {type(exc).__name__}"
    return None


def check_cache() -> str | None:
    try:
        cache.set("health:probe", "ok", 10)
        if cache.get("health:probe") != "ok":
            if cache_degraded():
                return "cache unreachable: serving from the database (degraded mode)"
            return "cache did not return what was stored"
    except Exception as exc:
        return f"cache unreachable: {type(exc).__name__}"
    return None


def check_broker() -> str | None:
    if not settings.CELERY_BROKER_URL:
        return None  # tasks run in-process; there is no broker to reach
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"broker unreachable: {type(exc).__name__}"
    return None


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def run_checks() -> dict[str, dict]:
    """Run every check and time it: {name: {"ok": bool, "ms": float, "error": str|None}}."""
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        error = check()
        results[name] = {
            "ok": error is None,
            "ms": round((time.perf_counter() - started) * 1000, 2),
            "error": error,
        }
    return results


# What the app can still do without each part. Without the database nothing is served.
# Without Redis as the cache, ResilientRedisCache serves from the database (a plain
# RedisCache cannot). Without the broker, writes are still saved and answered; only the
# queued follow-up work waits (docs/reliability.md). Redis is often both cache and broker.
_CAN_SERVE_WITHOUT = {"broker"}


def readiness(results: dict[str, dict]) -> tuple[str, int, dict[str, str]]:
    """The one rule for /health/ and /health/ready/: ("ok", 200), ("degraded", 200) when
    only parts the app can serve without failed, else ("unavailable", 503); with the
    failed checks' reasons."""
    failed = {name: r["error"] for name, r in results.items() if not r["ok"]}
    if not failed:
        return "ok", 200, failed
    spare = _CAN_SERVE_WITHOUT | ({"cache"} if cache_degraded() else set())
    if set(failed) <= spare:
        return "degraded", 200, failed
    return "unavailable", 503, failed


def feature_flags() -> dict[str, bool]:
    """Every flag named in settings.FEATURE_FLAGS and its value in this process."""
    return {name: bool(getattr(settings, name)) for name in settings.FEATURE_FLAGS}
