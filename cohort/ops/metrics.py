"""Prometheus metrics: what MetricsMiddleware records per request and what /metrics shows.

Labels are bounded: a request is labelled with its URL pattern (`match.route`), never the
raw path, so /groups/1/ and /groups/2/ share one series. Job metrics are read from the
JobRun table at scrape time, so runs on Celery workers (which nobody scrapes) count too.

With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR (an empty directory, wiped at
each start) before the workers start: every process then writes its samples there and a
scrape sums them over all workers. Without it each process keeps its own registry.
"""

import functools
import logging
import os
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, OuterRef, Subquery
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from cohort.ops.models import JobRun

logger = logging.getLogger("cohort.slow_query")

# No `_created` series beside every counter and histogram: half the series, nothing lost.
disable_created_metrics()

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
UNMATCHED = "<unmatched>"  # 404s that matched no pattern: one label for any path
STATIC = "<static>"  # files WhiteNoise served before URL resolution

# Latency around the seed's alert threshold (p95 > 1 s) is finely bucketed.
REQUEST_SECONDS = Histogram(
    "cohort_http_request_duration_seconds",
    "Time from the first middleware to the response, by URL pattern and method",
    ["route", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.5, 5.0, 10.0),
)
RESPONSES = Counter(
    "cohort_http_responses",
    "Responses by URL pattern, method and status code",
    ["route", "method", "status"],
)
QUERIES_PER_REQUEST = Histogram(
    "cohort_db_queries_per_request",
    "Database queries one request ran, by URL pattern",
    ["route"],
    buckets=(0, 1, 2, 3, 5, 8, 12, 20, 35, 50, 100),
)
QUERY_SECONDS_PER_REQUEST = Histogram(
    "cohort_db_query_duration_seconds_per_request",
    "Total time one request spent in database queries, by URL pattern",
    ["route"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
# Per process; in multiprocess mode the live workers' values are summed.
POOL = Gauge(
    "cohort_db_pool_connections",
    "psycopg pool connections: size (open), available (idle), waiting (requests queued)",
    ["state"],
    multiprocess_mode="livesum",
)


def multiprocess_dir() -> str | None:
    """prometheus-client reads this variable itself when it is imported; so do we."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.route or match.view_name or UNMATCHED
    if request.path.startswith(settings.STATIC_URL):
        return STATIC
    return UNMATCHED


class QueryTimer:
    """A `connection.execute_wrapper` that counts and times a request's queries and, with
    LOG_QUERY_TIMES, logs each one slower than SLOW_QUERY_MS (its SQL, never its params)."""

    def __init__(self, request):
        self.request = request
        self.count = 0
        self.seconds = 0.0
        self.slow_ms = settings.SLOW_QUERY_MS if settings.LOG_QUERY_TIMES else None

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.count += 1
            self.seconds += elapsed
            if self.slow_ms is not None and elapsed * 1000 >= self.slow_ms:
                logger.warning(
                    "slow query",
                    extra={
                        "duration_ms": round(elapsed * 1000, 2),
                        "route": route_of(self.request),
                        "method": self.request.method,
                        "sql": sql[:1000],
                        "many": many,
                    },
                )


@functools.lru_cache(maxsize=4096)
def _series(route: str, method: str, status: int) -> tuple:
    """The four labelled series of one route, method and status, looked up once: `labels()`
    checks and locks on every call. Bounded: routes are URL patterns, methods seven."""
    return (
        REQUEST_SECONDS.labels(route, method),
        RESPONSES.labels(route, method, str(status)),
        QUERIES_PER_REQUEST.labels(route),
        QUERY_SECONDS_PER_REQUEST.labels(route),
    )


def request_observe(*, route: str, method: str, status: int, seconds: float, timer) -> None:
    """Record one finished request."""
    duration, responses, queries, query_seconds = _series(route, method, status)
    duration.observe(seconds)
    responses.inc()
    queries.observe(timer.count)
    query_seconds.observe(timer.seconds)


_POOL_STATES = ("size", "available", "waiting", "max")
_POOL_STATS = ("pool_size", "pool_available", "requests_waiting", "pool_max")
# A gauge of the pool is read at scrape time: copying it more than once a second per process
# adds nothing but cost (the pool's lock and four label lookups on every request).
_POOL_OBSERVE_SECONDS = 1.0
_pool_observed_at = -_POOL_OBSERVE_SECONDS


@functools.cache
def _pool_series() -> tuple:
    return tuple(POOL.labels(state) for state in _POOL_STATES)


def pool_observe(*, force: bool = False) -> None:
    """Copy this process's psycopg pool use into the gauges, at most once a second unless
    forced. Without DB_POOL (or on SQLite) there is no pool and the gauges stay unset (absent
    from /metrics)."""
    global _pool_observed_at
    now = time.monotonic()
    if not force and now - _pool_observed_at < _POOL_OBSERVE_SECONDS:
        return
    pool = getattr(connection, "pool", None)
    if pool is None:
        return
    _pool_observed_at = now
    stats = pool.get_stats()
    for series, stat in zip(_pool_series(), _POOL_STATS, strict=True):
        series.set(stats.get(stat, 0))


class JobRunCollector(Collector):
    """Job outcomes and durations from the JobRun table (two small queries per scrape)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        runs = GaugeMetricFamily(
            "cohort_job_runs", "Recorded runs by job and outcome", labels=["job", "outcome"]
        )
        started = GaugeMetricFamily(
            "cohort_job_last_started_timestamp_seconds",
            "When each job last started (Unix time)",
            labels=["job"],
        )
        # Query 1: counts and last start per job and outcome.
        last_started: dict[str, float] = {}
        for row in JobRun.objects.values("name", "outcome").annotate(
            n=Count("id"), last=Max("started_at")
        ):
            runs.add_metric([row["name"], row["outcome"]], row["n"])
            stamp = row["last"].timestamp()
            last_started[row["name"]] = max(stamp, last_started.get(row["name"], 0.0))
        for name, stamp in sorted(last_started.items()):
            started.add_metric([name], stamp)
        yield runs
        yield started
        yield from self._last_finished()

    def _last_finished(self) -> Iterator[GaugeMetricFamily]:
        duration = GaugeMetricFamily(
            "cohort_job_last_duration_seconds",
            "Duration of each job's last finished run",
            labels=["job"],
        )
        succeeded = GaugeMetricFamily(
            "cohort_job_last_succeeded",
            "1 if each job's last finished run succeeded, else 0",
            labels=["job"],
        )
        # Query 2: each job's last finished run (a correlated subquery per job name).
        newest = (
            JobRun.objects.filter(name=OuterRef("name"), finished_at__isnull=False)
            .order_by("-finished_at", "-id")
            .values("pk")[:1]
        )
        last_runs = JobRun.objects.filter(pk=Subquery(newest)).order_by("name")
        for name, outcome, started_at, finished_at in last_runs.values_list(
            "name", "outcome", "started_at", "finished_at"
        ):
            duration.add_metric([name], (finished_at - started_at).total_seconds())
            succeeded.add_metric([name], 1 if outcome == JobRun.Outcome.SUCCEEDED else 0)
        yield duration
        yield succeeded


class _Union:
    """Several collectors rendered as one registry (generate_latest only calls collect)."""

    def __init__(self, *collectors):
        self.collectors = collectors

    def collect(self):
        for collector in self.collectors:
            yield from collector.collect()


def process_collector():
    """This process's registry, or in multiprocess mode every worker's samples summed."""
    if not multiprocess_dir():
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def metrics_render() -> bytes:
    """Every metric in the Prometheus text format, the job metrics read from the database."""
    pool_observe(force=True)
    return generate_latest(_Union(process_collector(), JobRunCollector()))
