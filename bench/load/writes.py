"""Time logging a day in-process (Django's test client, no server): N `PUT
/api/v1/activity/{day}` by distinct members of a bench/generate.py data set, each with their
own activity:write token. Prints the CPU milliseconds of this process (the app's share: not
PostgreSQL's or Redis's), the wall milliseconds, the SQL statements and the Redis round trips
per write; with `--profile`, cProfile's top functions over the measured writes.

    .venv/bin/python bench/load/writes.py --database-url URL [--writes 500] \\
        [--redis-url redis://127.0.0.1:6379/10] [--broker-url URL] [--cold-tokens] \\
        [--activity-category] [--profile] [--profile-out FILE]

Each member first logs one unmeasured day (as in the load suite, where the same members
write again and again: their token, group and path caches are warm), then one measured day
of the last five at a random count. `--cold-tokens` clears the cache between the two.
Writes change the data set's days; regenerate it for figures that must match a fresh one.
"""

import argparse
import cProfile
import datetime as dt
import os
import pstats
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: _django.py

from _django import database_argument, setup, tokens_mint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=500, help="members, one measured PUT each")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument(
        "--broker-url",
        default="redis://127.0.0.1:6379/10",
        help="Celery broker, flushed, never consumed: what a request publishes is timed, "
        "not the job ('' runs jobs inside the request, the embedded default)",
    )
    parser.add_argument("--cold-tokens", action="store_true", help="clear the cache first")
    parser.add_argument("--profile", action="store_true", help="cProfile's top 35 functions")
    parser.add_argument("--profile-out", help="also save the profile here (pstats format)")
    parser.add_argument(
        "--activity-category",
        action="store_true",
        help="first add an activity points category (5 points a day of 6,000+ steps) if the "
        "data set has none, so each write settles points too (it stays in the data set)",
    )
    parser.add_argument("--seed", type=int, default=19, help="which members write")
    database_argument(parser)
    args = parser.parse_args()
    os.environ["REDIS_URL"] = args.redis_url
    os.environ["CELERY_BROKER_URL"] = args.broker_url
    os.environ["ALLOWED_HOSTS"] = "*"
    os.environ["ACTIVITY_UPDATES_PER_MEMBER"] = "100000/m"
    setup(args.database_url)

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from cohort.competition.leaderboards.services import leaderboards_rebuild

    if args.activity_category:
        _activity_category_ensure()
    cache.clear()
    leaderboards_rebuild()
    members = _members_with_tokens(args.writes, random.Random(args.seed))
    rng = random.Random()  # new counts each run: a rerun changes every day it writes again
    clients = [
        Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_HOST="localhost") for _, raw in members
    ]
    todays = [_today(user) for user, _ in members]
    for client, today in zip(clients, todays, strict=True):  # warm-up: one day each
        _put(client, today - dt.timedelta(days=4), rng.randrange(3000, 12000))
    if args.cold_tokens:
        cache.clear()
        leaderboards_rebuild()

    kinds: Counter[str] = Counter()

    def count(execute, sql, params, many, context):
        kinds[sql.split(None, 1)[0].upper()] += 1
        return execute(sql, params, many, context)

    round_trips = _redis_round_trips_counted()

    plan = [
        (client, today - dt.timedelta(days=rng.randrange(5)), rng.randrange(3000, 12000))
        for client, today in zip(clients, todays, strict=True)
    ]
    # CPU time, not wall: waits on PostgreSQL and Redis are not this process's cost.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    with connection.execute_wrapper(count):
        round_trips.clear()
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        for client, day, steps in plan:
            _put(client, day, steps)
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    n = len(plan)
    print(
        f"{n} writes: {cpu / n * 1000:.2f} ms CPU, {wall / n * 1000:.2f} ms wall, "
        f"{kinds.total() / n:.2f} SQL statements per write "
        f"({', '.join(f'{kind} {number / n:.2f}' for kind, number in kinds.most_common())}), "
        f"{len(round_trips) / n:.2f} Redis round trips "
        f"({', '.join(f'{c} {k / n:.2f}' for c, k in Counter(round_trips).most_common())})"
    )
    if profiler:
        if args.profile_out:
            profiler.dump_stats(args.profile_out)
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(20)


def _activity_category_ensure() -> None:
    from cohort.competition.models import Category

    if not Category.objects.filter(rule=Category.Rule.ACTIVITY).exists():
        Category.objects.create(
            name="Steps", slug="steps", season_cap=150, rule=Category.Rule.ACTIVITY,
            points_per_day=5, min_steps=6000,
        )  # fmt: skip


def _redis_round_trips_counted() -> list[str]:
    """Count every request sent to Redis (the cache, the boards and the Celery broker alike:
    all go through redis-py), a pipeline once: the list grows by its first command's name."""
    from redis.connection import AbstractConnection

    sent: list[str] = []
    send = AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):
        first = command if isinstance(command, str | bytes) else command[0]
        head = first.encode() if isinstance(first, str) else bytes(first)
        sent.append(head.split(b"\r\n")[2].decode(errors="replace").upper())
        return send(self, command, check_health)

    AbstractConnection.send_packed_command = counted  # type: ignore[method-assign]
    return sent


def _members_with_tokens(count: int, rng: random.Random) -> list:
    """`count` members of a group drawn by `rng` (the same ones for the same seed, so runs
    compare), each with a fresh activity:write token (_django.tokens_mint)."""
    from cohort.accounts.models import User

    members = User.objects.filter(role=User.Role.MEMBER, is_active=True, group__isnull=False)
    ids = sorted(members.values_list("pk", flat=True))
    chosen = rng.sample(ids, min(count, len(ids)))
    by_id = members.select_related("group").in_bulk(chosen)
    users = [by_id[pk] for pk in chosen]
    raws = tokens_mint(users, "bench-writes")
    return list(zip(users, raws, strict=True))


def _today(user) -> dt.date:
    from cohort.core.clock import user_today

    return user_today(user)


def _put(client, day: dt.date, steps: int) -> None:
    answer = client.put(
        f"/api/v1/activity/{day.isoformat()}",
        data={"steps": steps},
        content_type="application/json",
    )
    if answer.status_code != 200:
        raise SystemExit(f"PUT {day} answered {answer.status_code}: {answer.content[:300]!r}")


if __name__ == "__main__":
    main()
