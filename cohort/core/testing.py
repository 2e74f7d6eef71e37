"""Helpers for the concurrency tests (real threads, each with its own database connection)."""

import contextlib
import subprocess
import sys
import threading
from collections.abc import Callable

from django.db import connection


def race(target: Callable[[int], object], count: int) -> tuple[list, list]:
    """Run target(0) .. target(count - 1) in threads released together; returns (results,
    exceptions). Each thread closes its own connection when done."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(n: int) -> None:
        try:
            barrier.wait()
            results.append(target(n))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def python_run(args: list[str], environ: dict[str, str]) -> "subprocess.CompletedProcess":
    """Our interpreter in a fresh process (settings read again from `environ`), from the
    project folder, its output captured; the caller checks the return code."""
    from django.conf import settings

    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@contextlib.contextmanager
def database_unreachable():
    """The default connection pointed at a database that does not answer (a closed port on
    PostgreSQL, a missing folder on SQLite), restored afterwards."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
        connection.settings_dict["OPTIONS"] = {
            k: v for k, v in saved["OPTIONS"].items() if k != "pool"
        }
        connection.settings_dict["OPTIONS"]["connect_timeout"] = 2
    else:
        connection.settings_dict["NAME"] = "/nonexistent-dir/cohort.sqlite3"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@contextlib.contextmanager
def redis_unreachable(location: str = "redis://127.0.0.1:1/0"):
    """One Redis that does not answer (a closed port) as both the resilient cache and the
    Celery broker, as in production when REDIS_URL and CELERY_BROKER_URL name one server;
    restored afterwards, with no degraded circuit left behind for the next tests."""
    from django.test import override_settings

    from cohort.core import redis_cache
    from config.celery import app

    caches = {
        "default": {
            "BACKEND": "cohort.core.redis_cache.ResilientRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    saved = app.conf["broker_url"]
    app.conf.update(broker_url=location)
    app._pool = None  # kombu keys its pools by URL: connect to the new one
    try:
        with override_settings(CACHES=caches, CELERY_BROKER_URL=location):
            yield
    finally:
        app.conf.update(broker_url=saved)
        app._pool = None
        host = location.split("//", 1)[1].split("/", 1)[0]
        for key in [k for k in redis_cache._circuits if host in k]:
            del redis_cache._circuits[key]
