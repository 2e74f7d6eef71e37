"""Load benchmark: start gunicorn on the benchmark database with Redis, then run locust
headless against one endpoint at a time, twice: at saturation (64 users as fast as they
can) and at a fixed offered rate (200 requests a second). Prints one table; everything
stops itself after each bounded run.

    .venv/bin/python bench/load_run.py [--seconds 30] [--workers 4]

Needs the data of bench/generate.py (100,000 members by default) and Redis at
127.0.0.1:6379 (db 3, flushed first). Users authenticate with personal API tokens of 500
random members, made before the runs (signing in hashes the group password with Argon2,
which would measure sign-in instead). Targets 127.0.0.1 only.
"""

import argparse
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from _django import ROOT, database_argument, setup

ENDPOINTS = [
    "floor",
    "unread_count",
    "leaderboard",
    "leaderboard_groups",
    "leaderboard_points",
    "my_rank",
    "my_rank_points",
    "dashboard",
]
PORT = 8011


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=30, help="each run's length")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--users", type=int, default=64, help="saturation: concurrent users")
    parser.add_argument("--rate", type=float, default=200, help="offered requests a second")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--only", nargs="*", default=ENDPOINTS, choices=ENDPOINTS)
    database_argument(parser)
    args = parser.parse_args()

    env = {**os.environ, "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url}
    env.update({"LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "config.settings"})
    env.setdefault("SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
    env["LOGIN_FAILURES_PER_IP"] = "100000/15m"
    os.environ.update(env)
    setup(args.database_url)
    _prepare(args.redis_url)
    members = _members()
    tokens = Path(tempfile.mkstemp(prefix="bench-tokens-")[1])
    tokens.write_text("\n".join(_tokens(500)))
    env["BENCH_TOKENS"] = str(tokens)
    server = _serve(env, args.workers)
    try:
        print(f"{members:,} members; gunicorn {args.workers} workers; {args.seconds} s a run")
        print(
            "| endpoint | saturated req/s | p50 | p95 | p99 | errors | at "
            f"{args.rate:.0f}/s: req/s | p50 | p95 | p99 | errors |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for endpoint in args.only:
            saturated = _locust(env, endpoint, members, args.users, 0, args.seconds)
            users = max(1, int(args.rate // 10))  # each asks 10 times a second
            paced = _locust(env, endpoint, members, users, args.rate / users, args.seconds)
            print(f"| {endpoint} | {_cells(saturated)} | {_cells(paced)} |", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def _prepare(redis_url: str) -> None:
    import redis
    from django.core.management import call_command

    redis.Redis.from_url(redis_url).flushdb()
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("rebuild_leaderboards")


def _tokens(count: int) -> list[str]:
    """Personal API tokens of `count` random members with season points (so each is on
    every board: "my rank" answers 404 to one who is not)."""
    from cohort.accounts.models import ApiToken, User
    from cohort.accounts.tokens import api_token_create
    from cohort.competition.models import SeasonScore

    scored = User.objects.filter(
        role=User.Role.MEMBER, pk__in=SeasonScore.objects.values("user_id")
    )
    walkers = scored.order_by("?")[:count]
    ApiToken.objects.filter(name="bench").delete()
    return [api_token_create(user=user, name="bench")[1] for user in walkers]


def _members() -> int:
    from cohort.accounts.models import User

    return User.objects.filter(role=User.Role.MEMBER).count()


def _serve(env: dict, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", f"--bind=127.0.0.1:{PORT}",
         f"--workers={workers}", "--log-level=warning", "--timeout=60"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(60):
        try:
            if requests.get(f"http://127.0.0.1:{PORT}/health/live/", timeout=1).ok:
                return server
        except requests.RequestException:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not answer")


def _locust(env, endpoint: str, members: int, users: int, rate: float, seconds: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "run"
        run_env = {**env, "BENCH_ENDPOINT": endpoint, "BENCH_MEMBERS": str(members)}
        run_env["BENCH_USER_RATE"] = str(rate)
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load.py"), "--headless",
             "-u", str(users), "-r", str(max(users, 1)), "-t", f"{seconds}s",
             "--host", f"http://127.0.0.1:{PORT}", "--csv", str(prefix), "--only-summary",
             "--stop-timeout", "5", "--loglevel", "WARNING"],
            env=run_env, check=False, timeout=seconds + 120,
            stdout=subprocess.DEVNULL,
            stderr=None if os.environ.get("BENCH_DEBUG") else subprocess.DEVNULL,
        )  # fmt: skip
        with open(f"{prefix}_stats.csv") as stats:
            rows = [r for r in csv.DictReader(stats) if r["Name"] != "Aggregated"]
    if not rows:
        raise SystemExit(f"locust recorded nothing for {endpoint}")
    row = rows[0]
    return {
        "rps": float(row["Requests/s"]),
        "p50": row["50%"],
        "p95": row["95%"],
        "p99": row["99%"],
        "errors": int(row["Failure Count"]),
    }


def _cells(result: dict) -> str:
    return (
        f"{result['rps']:.0f} | {result['p50']} ms | {result['p95']} ms | {result['p99']} ms | "
        f"{result['errors']}"
    )


if __name__ == "__main__":
    main()
