"""The load suite: every scenario against gunicorn on 127.0.0.1 in one bounded run, one
markdown table per data size, written into BENCHMARKS.md between marker comments.

    .venv/bin/python bench/load/suite.py \\
        --database-url postgres://postgres@127.0.0.1:5432/cohort_bench \\
        --compare-to postgres://postgres@127.0.0.1:5432/cohort_bench_2k [--seconds 30]

For each scenario (the floor `/health/live/`, the unread count, the dashboard, each
leaderboard, my rank on two boards, the map's markers, activity upsert, sign-in): 64
connections as fast as they go (wrk through bench/load/wrk.py when installed, else locust,
bench/load/load.py), then a fixed offered rate of 200
requests a second, open loop (bench/load/openloop.py). Then the realistic mix (2,000 browsing
members for --mix-seconds, bench/load/mix.py), 512 simultaneous connections on the unread count,
the workers' memory, and with --compare-to the 200 req/s rows again on the smaller data
set. Targets (issue 10) are printed beside the figures. Needs the data of
bench/generate.py and Redis (db 3, flushed). The server and every generator stop themselves.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: _django.py

import _ctfd
import mixopen
import wrk
from _django import DEFAULT_URL, ROOT
from _report import locust_rows, markdown, write_section
from _serve import Server, serving, settle, stop_process_group, worker_rss
from openloop import run_closed, run_open
from scenarios import PEERS, builder, context_load

SCENARIOS = [
    "floor",
    "unread_count",
    "dashboard",
    "leaderboard",
    "leaderboard_groups",
    "leaderboard_points",
    "leaderboard_lifetime",
    "my_rank",
    "my_rank_points",
    "map",
    "page_home",
    "page_leaderboards",
    "page_map",
    "page_season",
    "page_mentor",
    "activity_upsert",
    "activity_form",
    "signin",
    "django_floor",
    "ctfd_scoreboard",
    "ctfd_scoreboard_api",
    "ctfd_top10",
    "ctfd_attempt",
]
SETTLE_PATH = {"floor": "/", "ctfd": "/api/v1/scoreboard/top/10"}  # a cheap ask of each peer
SECRET = "bench-only-not-secret-" + "x" * 50
HERE = Path(__file__).resolve().parent
VAR_DIR = Path(tempfile.gettempdir()) / "cohort-bench-var"  # its own static files


def main() -> None:
    # A SIGTERM (timeout, a CI cancel) unwinds like Ctrl-C, so every `finally` stops its server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = _arguments()
    started = time.monotonic()
    server = Server("gunicorn", args.workers, args.threads)
    env = environment(args.database_url, args.redis_url, args.broker_url)
    with tempfile.TemporaryDirectory(prefix="cohort-bench-") as folder:
        context_file = Path(folder) / "context.json"
        context = prepare(env, context_file, args.members)
        ctfd = _ctfd_prepared(args, Path(folder))
        rows_file = narrowed(context_file, args.tokens, ctfd)
        rows_context = context_load(str(rows_file))
        context["spread_groups"] = rows_context["spread_groups"]
        shown = ctfd and {k: v for k, v in ctfd.items() if k != "tokens"}
        report = {"context": context, "server": server.label, "args": args, "rows": {},
                  "rounds": [], "ctfd": shown}  # fmt: skip
        with contextlib.ExitStack() as stack:
            stack.enter_context(celery_worker(env))
            process = stack.enter_context(serving(server, args.port, env))
            urls = {"cohort": f"http://127.0.0.1:{args.port}",
                    "floor": _floor_serving(stack, server, args.port + 1, env)}  # fmt: skip
            if ctfd:
                urls["ctfd"] = _ctfd_serving(stack, args, Path(folder), server.workers)
            url = urls["cohort"]
            rows_env = {**env, "BENCH_CONTEXT": str(rows_file)}
            for turn in range(args.rounds):
                # Cohort, the floor and CTFd in turn, every round: the machine's other load
                # falls on all of them alike.
                rows = {}
                for name in args.only:
                    where = urls[PEERS[name][0]] if name in PEERS else url
                    rows[name] = _scenario(name, where, rows_env, rows_context, args, url)
                    print(f"  round {turn + 1}: {name}: done "
                          f"({time.monotonic() - started:.0f} s)", flush=True)  # fmt: skip
                report["rounds"].append(rows)
            report["rows"] = report["rounds"][-1]
            if not args.skip_mix:
                report["mix"] = _mix(url, {**env, "BENCH_CONTEXT": str(context_file)}, args)
            if args.connections:
                report["many"] = _many(url, rows_context, args)
            settle(url)
            report["rss"] = worker_rss(process)
        if args.compare_to:
            report["compare"] = _compare(args, server, Path(folder))
        if args.profile:
            report["cpu"] = cpu_profile(env, rows_file, args)
    report["minutes"] = (time.monotonic() - started) / 60
    report["when"] = dt.datetime.now(dt.UTC)
    section = markdown(report, _command_line())
    print(section)
    if args.write:
        write_section(Path(args.write), context["members"], section)
        print(f"Written into {args.write} ({report['minutes']:.1f} minutes in all).")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument(
        "--broker-url",
        default="redis://127.0.0.1:6379/2",
        help="Celery broker (flushed first) with one worker, as in production; '' runs the "
        "jobs inside the requests (the embedded default)",
    )
    parser.add_argument("--compare-to", help="a smaller data set's database: 200 req/s there too")
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="more than 1: gthread workers")
    parser.add_argument("--seconds", type=float, default=30, help="each scenario's runs")
    parser.add_argument("--users", type=int, default=64, help="saturation: connections")
    parser.add_argument(
        "--generator",
        choices=["wrk", "locust"],
        default="wrk" if wrk.available() else "locust",
        help="saturation's load generator (default wrk when installed: it leaves the cores to "
        "the server; locust in Python took most of one)",
    )
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured seconds first")
    parser.add_argument("--rate", type=float, default=200, help="offered requests a second")
    parser.add_argument("--signin-rate", type=float, default=5,
                        help="sign-in's offered rate (Argon2 caps it below --rate)")  # fmt: skip
    parser.add_argument("--mix-seconds", type=float, default=120)
    parser.add_argument("--mix-users", type=int, default=2_000)
    parser.add_argument("--skip-mix", action="store_true")
    parser.add_argument(
        "--mix-generator",
        choices=["open", "locust"],
        default="open",
        help="the mix's generator: open loop (bench/load/mixopen.py, asks due at fixed times) "
        "or locust (bench/load/mix.py: each browser waits for its answers)",
    )
    parser.add_argument("--connections", type=int, default=512, help="0: skip that run")
    parser.add_argument(
        "--tokens",
        type=int,
        default=2_000,
        help="the endpoint rows: tokens and sessions of this many members, "
        "round-robin over the groups (2,000: members of 1,000 groups or more)",
    )
    parser.add_argument(
        "--writers",
        type=int,
        default=16_000,
        help="members the writes go to, each (member, day) once",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="the scenarios, floor and CTFd included, this many times in turn",
    )
    parser.add_argument(
        "--ctfd",
        help="a CTFd checkout: its scoreboard beside Cohort's; "
        "without it the ctfd_* scenarios are skipped",
    )
    parser.add_argument("--ctfd-users", type=int, default=500)
    parser.add_argument("--ctfd-challenges", type=int, default=30)
    parser.add_argument(
        "--ctfd-redis-url",
        default="",
        help="CTFd's cache (its production setting); '' its filesystem cache",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also each Cohort page's and endpoint's CPU ms in-process",
    )
    parser.add_argument("--profile-requests", type=int, default=200)  # fmt: skip
    parser.add_argument("--only", nargs="*", default=SCENARIOS, choices=SCENARIOS)
    parser.add_argument("--write", default=str(ROOT / "BENCHMARKS.md"),
                        help="the markdown file to write into ('' to print only)")  # fmt: skip
    args = parser.parse_args()
    args.members = max(args.tokens, args.writers, 0 if args.skip_mix else args.mix_users)
    return args


def _ctfd_prepared(args, folder: Path) -> dict | None:
    """CTFd's virtualenv and a populated database, or None (said so) without --ctfd."""
    wanted = [name for name in args.only if name.startswith("ctfd_")]
    if not wanted:
        return None
    if not args.ctfd:
        print("  CTFd: skipped (no --ctfd PATH to a CTFd checkout given): "
              + ", ".join(wanted) + " not measured", flush=True)  # fmt: skip
        args.only = [name for name in args.only if name not in wanted]
        return None
    checkout = Path(args.ctfd).resolve()
    python = _ctfd.venv(checkout)
    env = _ctfd.environment(checkout, folder, args.ctfd_redis_url)
    sizes = {"users": args.ctfd_users, "challenges": args.ctfd_challenges}
    return {**_ctfd.populate(python, checkout, folder, env, sizes), "python": str(python),
            "checkout": str(checkout), "cache": args.ctfd_redis_url or "filesystem"}  # fmt: skip


def _ctfd_serving(stack: contextlib.ExitStack, args, folder: Path, workers: int) -> str:
    checkout = Path(args.ctfd).resolve()
    env = _ctfd.environment(checkout, folder, args.ctfd_redis_url)
    python = _ctfd.venv(checkout)
    stack.enter_context(_ctfd.serving(python, checkout, env, args.port + 2, workers))
    return f"http://127.0.0.1:{args.port + 2}"


def _floor_serving(stack: contextlib.ExitStack, server: Server, port: int, env: dict) -> str:
    """The bare Django view (bench/load/_floor.py) on the same gunicorn settings as Cohort."""
    floor = Server(server.kind, server.workers, server.threads, app="_floor:application")
    stack.enter_context(serving(floor, port, env, ready_path="/"))
    return f"http://127.0.0.1:{port}"


def cpu_profile(env: dict, context_file: Path, args) -> dict:
    """Each Cohort page's and endpoint's CPU ms in-process (bench/load/cpu.py, its own
    process, after the servers stopped)."""
    names = [name for name in args.only if name not in PEERS and name != "signin"]
    out = context_file.with_name("cpu.json")
    subprocess.run(
        [sys.executable, str(HERE / "cpu.py"), "--database-url", env["DATABASE_URL"],
         "--redis-url", env["REDIS_URL"], "--context", str(context_file), "--out", str(out),
         "--requests", str(args.profile_requests), "--only", *names],
        env=env, check=True, timeout=1_800,
    )  # fmt: skip
    return json.loads(out.read_text())


def _command_line() -> str:
    return " ".join([".venv/bin/python", "bench/load/suite.py", *sys.argv[1:]])


def environment(database_url: str, redis_url: str, broker_url: str = "") -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url}
    env["CELERY_BROKER_URL"] = broker_url  # empty: jobs run inside the requests
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "WARNING"})
    env.setdefault("SECRET_KEY", SECRET)
    env["COHORT_VAR_DIR"] = str(VAR_DIR)
    # The limiters run on every write, as in production, but high enough that the bench's
    # few thousand members asking hundreds of times a second are not turned away.
    env["ACTIVITY_UPDATES_PER_MEMBER"] = "100000/m"
    env["LOGIN_FAILURES_PER_IP"] = "100000/15m"
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(HERE.parent)])  # locustfiles, _prepare.py
    return env


@contextlib.contextmanager
def celery_worker(env: dict):
    """With a broker, one Celery worker (concurrency 1) takes the jobs the requests queue,
    as in production; it shares the machine's cores with everything else."""
    if not env["CELERY_BROKER_URL"]:
        yield
        return
    import redis

    redis.Redis.from_url(env["CELERY_BROKER_URL"]).flushdb()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency", "1",
         "--loglevel", "WARNING", "--hostname", "bench@%h"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        yield
    finally:
        stop_process_group(worker, grace=30)


def prepare(env: dict, context_file: Path, members: int) -> dict:
    VAR_DIR.mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, str(HERE / "_prepare.py"), "--database-url",
         env["DATABASE_URL"], "--redis-url", env["REDIS_URL"], "--out", str(context_file),
         "--members", str(members)],
        env=env, check=True, timeout=1_800,
    )  # fmt: skip
    return context_load(str(context_file))


def narrowed(context_file: Path, tokens: int, ctfd: dict | None = None) -> Path:
    """A copy of the context for the endpoint rows: reads as the first `tokens` members
    (round-robin over the groups), writes to every prepared member, CTFd's users."""
    context = context_load(str(context_file))
    context["write_tokens"], context["write_sessions"] = context["tokens"], context["sessions"]
    for key in ("tokens", "emails", "sessions", "groups_of"):
        context[key] = context[key][:tokens]
    context["spread_groups"] = len(set(context["groups_of"]))
    if ctfd:
        context["ctfd"] = ctfd
    path = context_file.with_name(f"{context_file.stem}-rows.json")
    path.write_text(json.dumps(context))
    return path


def _scenario(name: str, url: str, env: dict, context: dict, args, cohort: str) -> dict:
    """Saturation (wrk or locust) then the fixed offered rate (open loop) for one scenario, after
    a few unmeasured seconds that warm the caches this scenario reads. Before each run,
    Cohort and the scenario's own server (the floor, CTFd) are left to settle."""
    warm_up(url, builder(name, context, "warmup"), args.warmup)
    _settle(name, url, cohort)
    if args.generator == "wrk":
        saturated = wrk.run(url, name, context, args.users, args.seconds)
    else:
        extra = {"BENCH_ENDPOINT": name, "BENCH_SLOT": "saturated"}
        rows = locust_run(url, env, "load.py", extra, args.users, args.seconds)
        saturated = rows[next(iter(rows))]
    rate = args.signin_rate if name == "signin" else args.rate
    _settle(name, url, cohort)
    paced = run_open(url, builder(name, context), rate=rate, seconds=args.seconds).summary()
    paced["offered"] = rate
    return {"saturated": saturated, "paced": paced}


def _settle(name: str, url: str, cohort: str) -> None:
    settle(cohort)
    if name in PEERS:
        settle(url, path=SETTLE_PATH[PEERS[name][0]])


def warm_up(url: str, make, seconds: float) -> None:
    """Ask for `seconds` with 16 connections and forget the figures (not sign-in: Argon2
    has nothing to warm and would only queue)."""
    if seconds > 0 and make.__name__ != "signin":
        run_closed(url, make, connections=16, seconds=seconds)


def _mix(url: str, env: dict, args) -> dict:
    settle(url)
    if args.mix_generator == "open":
        rows = mixopen.run(url, context_load(env["BENCH_CONTEXT"]), args.mix_users,
                           args.mix_seconds)  # fmt: skip
    else:
        ramp = max(5.0, args.mix_users / 200)  # 200 new users a second
        rows = locust_run(url, env, "mix.py", {}, args.mix_users, args.mix_seconds + ramp,
                          spawn_rate=args.mix_users / ramp)  # fmt: skip
    return {"rows": rows, "users": args.mix_users, "seconds": args.mix_seconds,
            "generator": args.mix_generator}  # fmt: skip


def _many(url: str, context: dict, args) -> dict:
    make = builder("unread_count", context)
    settle(url)
    outcome = run_closed(url, make, connections=args.connections, seconds=args.seconds, timeout=60)
    return {**outcome.summary(), "connections": args.connections}


def _compare(args, server: Server, folder: Path) -> dict:
    """The open-loop rows again on the smaller data set (same server, same settings)."""
    env = environment(args.compare_to, args.redis_url, args.broker_url)
    context_file = folder / "compare.json"
    prepare(env, context_file, args.tokens)
    context = context_load(str(narrowed(context_file, args.tokens)))
    rows = {}
    with celery_worker(env), serving(server, args.port, env):
        url = f"http://127.0.0.1:{args.port}"
        for name in args.only:
            if name == "signin":
                continue  # Argon2's cost does not depend on the data
            if name in PEERS:
                continue  # not Cohort's data
            warm_up(url, builder(name, context, "warmup"), args.warmup)
            settle(url)
            rows[name] = run_open(url, builder(name, context), rate=args.rate,
                                  seconds=args.seconds).summary()  # fmt: skip
    return {"members": context["members"], "rows": rows}


def locust_run(url: str, env: dict, locustfile: str, extra: dict, users: int, seconds: float,
            spawn_rate: float | None = None) -> dict:  # fmt: skip
    """Run locust headless (one process); its rows by name, each with the generator's CPU."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "run"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(HERE / locustfile), "--headless",
             "-u", str(users), "-r", str(spawn_rate or users), "-t", f"{int(seconds)}s",
             "--host", url, "--csv", str(prefix),
             "--only-summary", "--reset-stats", "--stop-timeout", "5", "--loglevel", "ERROR"],
            env={**env, **extra}, check=False, timeout=seconds + 120,
            stdout=subprocess.DEVNULL,
            stderr=None if os.environ.get("BENCH_DEBUG") else subprocess.DEVNULL,
        )  # fmt: skip
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / wall
        rows = locust_rows(Path(f"{prefix}_stats.csv"))
    if not rows:
        raise SystemExit(f"locust recorded nothing ({locustfile} {extra}); BENCH_DEBUG=1 shows why")
    for row in rows.values():
        row["cpu"] = cpu
    return rows


if __name__ == "__main__":
    main()
