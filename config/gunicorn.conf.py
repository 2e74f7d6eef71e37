"""Gunicorn's settings for Cohort (`gunicorn config.wsgi -c config/gunicorn.conf.py`).

Every knob comes from the environment, like Django's settings. The app logs each request
itself as one JSON line (cohort.request), so gunicorn's access log stays off.
"""

import multiprocessing
import os
import sys


def _integer(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, got {value!r}") from exc


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{_integer('PORT', 8000)}")
# Workers: the classic 2 x cores + 1, capped so a large host does not exhaust database
# connections (each worker holds its own pool of up to DB_POOL_MAX_SIZE).
workers = _integer("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8))
if not os.environ.get("REDIS_URL") and workers > 1:
    # Without Redis each process keeps its own local-memory cache, so a change made through
    # one worker would leave the others serving stale pages: one worker, more threads.
    print(
        f"gunicorn: REDIS_URL is not set, so 1 worker instead of {workers} "
        "(each would cache on its own); set REDIS_URL to run several",
        file=sys.stderr,
    )
    workers = 1
# Threads per worker: requests mostly wait on PostgreSQL and Redis.
threads = _integer("GUNICORN_THREADS", 4)
worker_class = "gthread"
# A request running longer than this kills its worker; keep it above the slowest export.
timeout = _integer("GUNICORN_TIMEOUT", 60)
graceful_timeout = _integer("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind a load balancer that reuses connections, stay open a little longer than its idle
# timeout would expect (most default to 60 s); otherwise the LB sees sporadic 502s.
keepalive = _integer("GUNICORN_KEEPALIVE", 75)
# Recycle workers now and then (with jitter, so they do not all restart at once).
max_requests = _integer("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _integer("GUNICORN_MAX_REQUESTS_JITTER", 200)

accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Addresses allowed to set X-Forwarded-* headers (the load balancers); "*" when the app
# servers are reachable only through them.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR, drop an exited worker's live gauges from /metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
