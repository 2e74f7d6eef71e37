"""Each Cohort page's and endpoint's CPU in-process: Django's test client against the bench
database, as the members of a load run's context (bench/load/suite.py --profile writes it).
Milliseconds of this process's CPU a request (time.process_time: Python, templates and the
database driver; PostgreSQL's and Redis's own CPU is not in it), warm caches.

    .venv/bin/python bench/load/cpu.py --database-url URL --redis-url URL --context FILE \\
        --out FILE [--requests 200] [--only page_home dashboard ...]
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: _django.py

from _django import database_argument, setup
from scenarios import builder, context_load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--context", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--only", nargs="*", default=[])
    database_argument(parser)
    args = parser.parse_args()
    os.environ["REDIS_URL"] = args.redis_url
    os.environ["ALLOWED_HOSTS"] = "*"
    setup(args.database_url)
    context = context_load(args.context)
    figures = {}
    for name in args.only:
        figures[name] = _cpu_ms(builder(name, context, "warmup"), args.requests)
        print(f"{name}: {figures[name]:.2f} ms of CPU a request", flush=True)
    Path(args.out).write_text(json.dumps(figures))


def _cpu_ms(make, count: int) -> float:
    from django.test import Client

    client = Client()
    rng = random.Random(1)
    for _ in range(min(20, count)):  # warm this scenario's caches first
        _ask(client, make(rng))
    started = time.process_time()
    for _ in range(count):
        _ask(client, make(rng))
    return (time.process_time() - started) / count * 1000


def _ask(client, request) -> None:
    method, path, headers, body = request
    client.cookies.clear()
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()
             if k.lower() not in ("content-type", "cookie")}  # fmt: skip
    for part in headers.get("Cookie", "").split("; "):
        if "=" in part:
            key, value = part.split("=", 1)
            client.cookies[key] = value
    answer = client.generic(method, path, body or b"",
                            content_type=headers.get("Content-Type", ""), **extra)  # fmt: skip
    if answer.status_code >= 400 or "/login" in answer.get("Location", ""):
        raise SystemExit(f"{method} {path} answered {answer.status_code}")


if __name__ == "__main__":
    main()
