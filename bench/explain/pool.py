"""Does psycopg's connection pool matter? Times requests that touch the database
in-process (Django's test client, so every request runs Django's request_started and
request_finished: a connection is handed back, or closed, after each one) under three
settings, each in its own process:

- `pool`: DB_POOL=1 (the default with DATABASE_URL; psycopg_pool, DB_POOL_MAX_SIZE=10)
- `persistent`: DB_POOL=0, DB_CONN_MAX_AGE=60 (Django's persistent connections)
- `none`: DB_POOL=0, DB_CONN_MAX_AGE=0 (a new connection per request)

and, with `--threads N`, the pool with N threads sharing one process (gunicorn gthread)
at pool sizes 2 and N: how long requests wait for a connection.

    .venv/bin/python bench/explain/pool.py \
        --database-url postgres://postgres@127.0.0.1:5432/cohort_perf [--requests 1000]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: _django.py

from _django import database_argument

MODES = {
    "pool": {"DB_POOL": "1"},
    "persistent": {"DB_POOL": "0", "DB_CONN_MAX_AGE": "60"},
    "none": {"DB_POOL": "0", "DB_CONN_MAX_AGE": "0"},
}
URLS = {
    "floor /health/live/ (no database)": "/health/live/",
    "/health/ready/ (SELECT 1, cache ping)": "/health/ready/",
    "/api/v1/activity (the viewer's 30 days: token from cache, one query)": "/api/v1/activity",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    database_argument(parser)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args)))
        return
    _connect_cost(args.database_url, args.runs)
    results = {}
    for mode, env in MODES.items():
        results[mode] = _spawn(args, mode, env)
    for size in (2, args.threads):
        mode = f"pool of {size}, {args.threads} threads"
        results[mode] = _spawn(args, "threads", {"DB_POOL": "1", "DB_POOL_MAX_SIZE": str(size)})
    print("\n| setting | " + " | ".join(URLS) + " |")
    print("|---|" + "---|" * len(URLS))
    for mode, found in results.items():
        cells = [f"{found[u]['median']:.2f} ms ({_fmt(found[u]['runs'])})" for u in URLS]
        print(f"| {mode} | " + " | ".join(cells) + " |")


def _connect_cost(url: str, runs: int, count: int = 200) -> None:
    """What a pool saves per request at most: a new connection (connect, SELECT 1, close)
    against a pooled one (getconn, SELECT 1, putconn), in milliseconds."""
    import psycopg
    from psycopg_pool import ConnectionPool

    def fresh():
        with psycopg.connect(url) as conn:
            conn.execute("SELECT 1")

    with ConnectionPool(url, min_size=1, max_size=1, open=True) as pool:

        def pooled():
            with pool.connection() as conn:
                conn.execute("SELECT 1")

        for label, work in (("new connection", fresh), ("pooled connection", pooled)):
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                for _ in range(count):
                    work()
                times.append((time.perf_counter() - started) / count * 1000)
            print(f"{label}: median {statistics.median(times):.3f} ms ({_fmt(times)})")


def _spawn(args, mode: str, env: dict) -> dict:
    command = [
        sys.executable,
        str(Path(__file__)),
        "--child",
        mode,
        "--requests",
        str(args.requests),
        "--runs",
        str(args.runs),
        "--threads",
        str(args.threads),
        "--database-url",
        args.database_url,
    ]
    environ = {**os.environ, **env, "REDIS_URL": args.redis_url, "ALLOWED_HOSTS": "*"}
    found = subprocess.run(command, env=environ, capture_output=True, text=True, check=False)
    if found.returncode:
        raise SystemExit(found.stderr[-3000:])
    result = json.loads(found.stdout.strip().splitlines()[-1])
    print(mode, env, json.dumps(result), flush=True)
    return result


def _child(args) -> dict:
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import django

    django.setup()
    from django.test import Client

    from cohort.accounts.models import User
    from cohort.accounts.tokens import api_token_create

    member = User.objects.filter(role=User.Role.MEMBER, group__isnull=False).order_by("id")[7]
    header = f"Bearer {api_token_create(user=member, name='pool bench')[1]}"
    from django.db import connection

    connection.close()
    result = {}
    for label, url in URLS.items():
        if args.child == "threads":
            runs = [_threaded(header, url, args.requests, args.threads) for _ in range(args.runs)]
        else:
            client = Client(HTTP_AUTHORIZATION=header)
            _check(client.get(url))
            runs = [_sequential(client, url, args.requests) for _ in range(args.runs)]
        result[label] = {"median": statistics.median(runs), "runs": runs}
    return result


def _check(response) -> None:
    if response.status_code != 200:
        raise SystemExit(f"answered {response.status_code}: {response.content[:200]!r}")


def _sequential(client, url: str, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        client.get(url)
    return (time.perf_counter() - started) / count * 1000


def _threaded(header: str, url: str, count: int, threads: int) -> float:
    """Wall time per request with `threads` threads each making count/threads requests."""
    from django.test import Client

    def work():
        client = Client(HTTP_AUTHORIZATION=header)
        for _ in range(count // threads):
            _check(client.get(url))

    workers = [threading.Thread(target=work) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return (time.perf_counter() - started) / (count // threads * threads) * 1000


def _fmt(runs: list[float]) -> str:
    return ", ".join(f"{r:.2f}" for r in runs)


if __name__ == "__main__":
    main()
