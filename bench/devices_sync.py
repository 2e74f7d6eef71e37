"""The nightly device sync of N connected members against the local fake providers, on one
and then two real Celery workers (Redis broker): its duration and requests per provider.

The data set is bench/generate.py's (N members, the edit window's days already logged),
every member connected to one of `--providers` in turn, each provider's fake holding the
same days as the database except today and yesterday, which differ: the steady state of a
night, in which each member's sync makes one data request and writes two days through
activity_log (bounds, flags, progress, streak, points). Between the runs the two days are
put back, so both runs do the same work. Pacing is lifted (REQUESTS_PER_MINUTE very high):
the figures are the hub's own cost; with a provider's real limit the night takes
N / limit minutes by design.

    .venv/bin/python bench/devices_sync.py --members 10000 \\
        --database-url postgres://postgres@127.0.0.1:5432/cohort_h1_bench \\
        --redis-url redis://127.0.0.1:6379/1

A provider plugs in by name: its fake is `cohort.devices.tests.fakes.<name>`, a FakeProvider
subclass with `settings()` (the settings pointing the adapter at it), `issue(user_id)`
(an access and a refresh token for that provider user) and `set_steps(user_id, {date: n})`.
"""

import argparse
import contextlib
import datetime as dt
import importlib
import inspect
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from _django import database_argument, setup

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))  # the fakes are imported before Django is set up


def _fake_for(name: str):
    from cohort.devices.tests.fakes.server import FakeProvider

    module = importlib.import_module(f"cohort.devices.tests.fakes.{name}")
    for _, cls in inspect.getmembers(module, inspect.isclass):
        if (
            issubclass(cls, FakeProvider)
            and cls is not FakeProvider
            and cls.__module__ == module.__name__
        ):
            return cls()
    raise SystemExit(f"no FakeProvider subclass in cohort.devices.tests.fakes.{name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--providers", default="google_health", help="comma-separated names")
    parser.add_argument("--workers", default="1,2", help="worker counts to run, in order")
    parser.add_argument("--chunk", type=int, default=200, help="members per Celery task")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per run at most")
    parser.add_argument("--skip-generate", action="store_true", help="reuse the data set")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/1")
    database_argument(parser)
    args = parser.parse_args()
    # A TERM (or a background job's INT) ends the run through the finally blocks below, which
    # stop the workers and the fakes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    names = [n.strip() for n in args.providers.split(",") if n.strip()]

    if not args.skip_generate:
        started = time.perf_counter()
        subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "bench" / "generate.py"), "--members", str(args.members),
             "--days", "7", "--database-url", args.database_url],
            check=True,
        )  # fmt: skip
        print(f"data set: {time.perf_counter() - started:.0f} s")

    from cryptography.fernet import Fernet

    env = {
        "REDIS_URL": args.redis_url,
        "CELERY_BROKER_URL": args.redis_url,
        "DEVICE_TOKEN_KEY": Fernet.generate_key().decode(),
        "DEVICE_SYNC_CHUNK": str(args.chunk),
        "DEVICE_HTTP_TIMEOUT": "30",
        "LOG_LEVEL": "WARNING",
    }
    fakes = {name: _fake_for(name).start() for name in names}
    for fake in fakes.values():
        env.update({k: str(v) for k, v in fake.settings().items()})
    for name in names:
        prefix = _prefix(name)
        env[f"{prefix}_REQUESTS_PER_MINUTE"] = "100000000"
    os.environ.update(env)
    setup(args.database_url)

    try:
        members = _connect_everyone(fakes, args.members)
        print(f"{len(members):,} members connected to {', '.join(names)}")
        results = []
        for count in (int(w) for w in args.workers.split(",")):
            _night_reset(fakes, members, seed=count)
            results.append(_run(count, fakes, members, env, args.timeout))
        _report(results, args)
    finally:
        for fake in fakes.values():
            fake.stop()


def _prefix(name: str) -> str:
    from cohort.devices.providers import get_provider

    provider = get_provider(name)
    if provider is None:
        raise SystemExit(f"no provider {name!r} registered")
    return provider.settings_prefix


def _connect_everyone(fakes: dict, limit: int) -> list[tuple[int, str, str]]:
    """Every member connected (tokens encrypted as the hub stores them) to a provider in
    turn; each fake holds the member's days as the database does. Returns (user id,
    provider, provider user id)."""
    from django.db import connection as db
    from django.utils import timezone

    from cohort.accounts.models import User
    from cohort.activity.models import DailyActivity
    from cohort.devices.models import DeviceConnection
    from cohort.devices.providers.base import Tokens

    DeviceConnection.objects.all().delete()
    members_qs = User.objects.filter(role="member").order_by("pk")
    ids = list(members_qs.values_list("pk", flat=True)[:limit])
    names = list(fakes)
    now = timezone.now()
    rows, members = [], []
    for index, user_id in enumerate(ids):
        name = names[index % len(names)]
        external = f"bench-{user_id}"
        access, refresh = fakes[name].issue(external)
        conn = DeviceConnection(
            user_id=user_id, provider=name, status="active", connected_at=now,
            last_sync_at=now, last_sync_ok_at=now,
        )  # fmt: skip
        conn.tokens_set(
            Tokens(access_token=access, refresh_token=refresh,
                   expires_at=now + dt.timedelta(days=30), external_user_id=external)
        )  # fmt: skip
        rows.append(conn)
        members.append((user_id, name, external))
    DeviceConnection.objects.bulk_create(rows, batch_size=2_000)
    by_user = {user_id: (name, external) for user_id, name, external in members}
    days = DailyActivity.objects.filter(user_id__in=ids)
    for user_id, day, steps in days.values_list("user_id", "date", "steps"):
        name, external = by_user[user_id]
        fakes[name].set_steps(external, {day: steps})
    with db.cursor() as cursor:  # the earlier days came from the devices, as on a live site
        cursor.execute("UPDATE activity_dailyactivity SET source = 'google_health'")
    # With --skip-generate and fewer members than the data set, only the first N connect.
    return members


def _night_reset(fakes: dict, members: list, *, seed: int) -> None:
    """Tonight: today and yesterday differ from what the database holds; the nights'
    claims, the sync log and the connections' retry state are cleared."""
    from cohort.accounts.models import User
    from cohort.activity.services.device_days import device_days_writable
    from cohort.devices.models import DeviceConnection, SyncRun

    rng = random.Random(seed)
    window = device_days_writable(user=User.objects.get(pk=members[0][0]))
    for _, name, external in members:
        fakes[name].set_steps(external, {day: rng.randint(2_000, 15_000) for day in window[-2:]})
    SyncRun.objects.all().delete()
    DeviceConnection.objects.update(nightly_on=None, retry_not_before=None, failures=0)
    for fake in fakes.values():
        fake.requests.clear()


def _run(workers: int, fakes: dict, members: list, env: dict, timeout: int) -> dict:
    from cohort.accounts.models import User
    from cohort.devices.models import SyncRun
    from cohort.devices.services.schedule import nightly_claim
    from cohort.devices.tasks import _chunks, device_sync_chunk_task
    from config.celery import app

    app.control.purge()
    processes = [
        subprocess.Popen(  # noqa: S603
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--concurrency",
                "1",
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"bench{i}@%h",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            start_new_session=True,
        )  # fmt: skip
        for i in range(workers)
    ]
    try:
        deadline = time.monotonic() + 60
        while len({n for r in app.control.ping(timeout=1) for n in r}) < workers:
            if time.monotonic() > deadline:
                raise RuntimeError("workers did not come up")
        started = time.perf_counter()
        # The nightly task's fan-out, for every zone at once (the task itself waits for
        # DEVICE_SYNC_TIME in each zone): claim, then one task per chunk.
        zones = set(User.objects.filter(role="member").values_list("time_zone", flat=True))
        queued = 0
        for zone in zones:
            from cohort.core.clock import zone_today

            ids = nightly_claim(zone=zone, day=zone_today(zone))
            for chunk in _chunks(ids):
                device_sync_chunk_task.delay(chunk, SyncRun.Kind.NIGHTLY)
            queued += len(ids)
        total = len(members)
        deadline = time.monotonic() + timeout
        done = 0
        while done < total and time.monotonic() < deadline:
            time.sleep(1)
            done = SyncRun.objects.count()
            print(f"\r  {workers} worker(s): {done:,}/{total:,} synced", end="", flush=True)
        seconds = time.perf_counter() - started
        print()
        return _summary(workers, seconds, queued, fakes)
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _summary(workers: int, seconds: float, queued: int, fakes: dict) -> dict:
    from django.db.models import Count, Sum

    from cohort.devices.models import SyncRun

    per = {
        row["provider"]: row
        for row in SyncRun.objects.values("provider").annotate(
            runs=Count("id"), requests=Sum("requests"), days=Sum("days_written")
        )
    }
    outcomes = dict(SyncRun.objects.values_list("outcome").annotate(n=Count("id")))
    return {
        "workers": workers,
        "seconds": seconds,
        "queued": queued,
        "outcomes": outcomes,
        "providers": {
            name: {
                "members": per.get(name, {}).get("runs", 0),
                "requests": per.get(name, {}).get("requests", 0),
                "fake_requests": len(fake.requests),
                "days": per.get(name, {}).get("days", 0),
            }
            for name, fake in fakes.items()
        },
    }


def _report(results: list[dict], args) -> None:
    print(f"\nNightly device sync, {args.members:,} members, chunks of {args.chunk}:")
    print("| workers | duration | members/s | outcomes | provider: members, requests "
          "(hub / fake), days written |")  # fmt: skip
    print("|---|---|---|---|---|")
    for r in results:
        providers = "; ".join(
            f"{name}: {p['members']:,}, {p['requests']:,} / {p['fake_requests']:,}, {p['days']:,}"
            for name, p in r["providers"].items()
        )
        rate = r["queued"] / r["seconds"] if r["seconds"] else 0
        outcomes = ", ".join(f"{n:,} {o}" for o, n in sorted(r["outcomes"].items()))
        print(f"| {r['workers']} | {r['seconds']:.1f} s | {rate:.0f} | {outcomes} | {providers} |")


if __name__ == "__main__":
    main()
