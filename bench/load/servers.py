"""Which app server: the same few endpoints (the floor, the unread count, a leaderboard
page, the dashboard) at saturation and at a fixed offered rate against gunicorn sync,
gunicorn gthread, uvicorn (ASGI, config.asgi) and granian (WSGI), one table.

    .venv/bin/python bench/load/servers.py \\
        --database-url postgres://postgres@127.0.0.1:5432/cohort_bench \\
        [--seconds 20] [--only gunicorn-sync uvicorn] [--write FILE]

Each server runs in turn on 127.0.0.1 (port 8011) over the same prepared data (bench/load/suite.py's
preparation: Redis db 3 flushed, leaderboards rebuilt, tokens of random members); each is
stopped before the next starts. Saturation: locust, 64 users; the rate: bench/load/openloop.py,
open loop. The workers' largest RSS is read after each server's runs.
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: _django.py

from _django import DEFAULT_URL
from _report import ms, write_section
from _serve import Server, serving, settle, worker_rss
from openloop import run_open
from scenarios import LABELS, builder
from suite import environment, locust_run, prepare, warm_up

SERVERS = {
    "gunicorn-sync": Server("gunicorn", 4, 1),
    "gunicorn-gthread-2x4": Server("gunicorn", 2, 4),
    "gunicorn-gthread-4x2": Server("gunicorn", 4, 2),
    "uvicorn": Server("uvicorn", 4),
    "granian": Server("granian", 4),
}
ENDPOINTS = ["floor", "unread_count", "leaderboard", "dashboard"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--tokens", type=int, default=500, help="API tokens of this many")
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured seconds first")
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--only", nargs="*", default=list(SERVERS), choices=list(SERVERS))
    parser.add_argument("--endpoints", nargs="*", default=ENDPOINTS, choices=ENDPOINTS)
    parser.add_argument("--write", default="", help="a markdown file to write the table into")
    args = parser.parse_args()

    started = time.monotonic()
    env = environment(args.database_url, args.redis_url)
    url = f"http://127.0.0.1:{args.port}"
    results = {}
    with tempfile.TemporaryDirectory(prefix="cohort-servers-") as folder:
        context_file = Path(folder) / "context.json"
        context = prepare(env, context_file, args.tokens)
        env["BENCH_CONTEXT"] = str(context_file)
        for key in args.only:
            server = SERVERS[key]
            rows = {}
            with serving(server, args.port, env) as process:
                for name in args.endpoints:
                    warm_up(url, builder(name, context), args.warmup)
                    settle(url)
                    saturated = locust_run(url, env, "load.py", {"BENCH_ENDPOINT": name},
                                           args.users, args.seconds)  # fmt: skip
                    settle(url)
                    paced = run_open(url, builder(name, context), rate=args.rate,
                                     seconds=args.seconds).summary()  # fmt: skip
                    rows[name] = (saturated[LABELS[name]], paced)
                rss = worker_rss(process)
            results[server.label] = (rows, max(rss, default=0.0))
            print(f"  {server.label}: done ({time.monotonic() - started:.0f} s)", flush=True)
    minutes = (time.monotonic() - started) / 60
    section = _markdown(results, context, args, minutes)
    print(section)
    if args.write:
        write_section(Path(args.write), f"servers {context['members']}", section)


def _markdown(results: dict, context: dict, args, minutes: float) -> str:
    command = " ".join([".venv/bin/python", "bench/load/servers.py", *sys.argv[1:]])
    lines = [
        f"### App servers, {context['members']:,} members, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"    {command}",
        "",
        f"Saturated: locust, {args.users} users (req/s, p95); offered {args.rate:g} req/s open "
        "loop (p95, p99, errors); largest worker RSS after the runs. Everything on the same "
        f"2 cores; {args.seconds:g} s a run, {minutes:.1f} minutes in all.",
        "",
        "| server | endpoint | saturated req/s | share of its floor | p95 | errors | "
        f"at {args.rate:g}/s: p95 | p99 | errors | worker RSS |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, (rows, rss) in results.items():
        floor = rows.get("floor", ({}, {}))[0].get("rps")
        for name, (saturated, paced) in rows.items():
            share = f"{saturated['rps'] / floor:.0%}" if floor and name != "floor" else ""
            lines.append(
                f"| {label} | {LABELS[name]} | {saturated['rps']:,.0f} | {share} | "
                f"{ms(saturated['p95'])} | {saturated['errors']} | {ms(paced['p95'])} | "
                f"{ms(paced['p99'])} | {paced['errors']} | {rss:.0f} MB |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
