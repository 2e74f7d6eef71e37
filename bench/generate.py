"""Generate a benchmark data set: groups of 20 members, one current path of 30 milestones
and `--days` days of activity per member, a current season with points and lifetime scores
from an earlier one, loaded with PostgreSQL COPY (bulk_create on
SQLite), with a progress bar. Replaces whatever the benchmark database held.

    .venv/bin/python bench/generate.py --members 100000
    .venv/bin/python bench/generate.py --members 2000 --database-url sqlite:///var/bench.sqlite3
"""

import argparse
import datetime as dt
import random
import time
from decimal import Decimal

from _django import database_argument, setup

GROUP_SIZE = 20
MILESTONES = 30
PATH_MILES = 500
STEPS_PER_MILE = 2112


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--skip-progress",
        action="store_true",
        help="leave enrollments at zero (no update_progress run after loading)",
    )
    database_argument(parser)
    args = parser.parse_args()
    setup(args.database_url)
    started = time.perf_counter()
    _generate(args.members, args.days, random.Random(args.seed))
    print(f"Generated {args.members:,} members in {time.perf_counter() - started:.1f} s.")
    if not args.skip_progress:
        # What a live installation holds: progress, milestones reached (and their
        # notifications), streaks and activity points, from the nightly job.
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("update_progress")
        print(f"update_progress brought enrollments up to date in "
              f"{time.perf_counter() - started:.1f} s.")  # fmt: skip


def _generate(members: int, days: int, rng: random.Random) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from cohort.journeys.services import path_cache_clear

    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        _wipe(connection)
        path_id = _path(today - dt.timedelta(days=days - 1), rng)
        groups = -(-members // GROUP_SIZE)
        password = make_password("bench-group-password")
        _load(
            "accounts_group",
            ["name", "password", "password_changed_at", "member_count", "created_at", "updated_at"],
            (
                (
                    f"Bench group {g}",
                    password,
                    now,
                    min(GROUP_SIZE, members - g * GROUP_SIZE),
                    now,
                    now,
                )
                for g in range(groups)
            ),
            groups,
        )
        first_group = _first_id("accounts_group")
        _load(
            "accounts_user",
            [
                "password",
                "email",
                "display_name",
                "role",
                "group_id",
                "time_zone",
                "marker_colour",
                "is_active",
                "date_joined",
                "hide_name_outside_group",
                "leetcode_username",
                "language",
                "terms_accepted_version",
            ],
            (
                (
                    "!",
                    f"walker{i}@bench.example",
                    f"Walker {i}",
                    "member",
                    first_group + i // GROUP_SIZE,
                    "America/Chicago",
                    "#2563eb",
                    True,
                    now,
                    i % 10 == 0,  # one in ten hides their name outside their group
                    "",
                    "",
                    0,
                )
                for i in range(members)
            ),
            members,
        )
        first_user = _first_id("accounts_user")
        _load(
            "activity_dailyactivity",
            ["user_id", "date", "steps", "source", "review", "created_at", "updated_at"],
            _activity(first_user, members, days, today, rng, now),
            members * days,
            estimate=True,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO journeys_enrollment (user_id, path_id, started_on, steps, distance,"
                " progress, notified_order, updated_at)"
                " SELECT id, %s, %s, 0, 0, 0, 0, %s FROM accounts_user WHERE role = 'member'",
                [path_id, today - dt.timedelta(days=days - 1), now],
            )
        _season(first_user, members, today, rng, now)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    path_cache_clear()


def _season(first_user, members, today, rng, now) -> None:
    """This month's season, active, with points in three categories for most members: the
    ledger entries, the category totals and the season scores, as the services keep them."""
    from cohort.competition.models import Category, Season
    from cohort.competition.services.seasons import season_create

    season = season_create(starts_on=today.replace(day=1))
    Season.objects.filter(pk=season.pk).update(status=Season.Status.ACTIVE)
    categories = [
        Category.objects.create(name=name, slug=name.lower(), season_cap=cap, order=n)
        for n, (name, cap) in enumerate([("Learning", 100), ("Career", 800), ("Outcome", 300)])
    ]
    earned = [
        [int(rng.uniform(0, 1.1) * c.season_cap) if rng.random() < 0.8 else 0 for c in categories]
        for _ in range(members)
    ]

    def entries():
        for i, points in enumerate(earned):
            for category, value in zip(categories, points, strict=True):
                if value:
                    source = f"bench:{category.pk}:{first_user + i}"
                    yield (first_user + i, season.pk, category.pk, value, "Bench work",
                           source, f"{source}#0", now)  # fmt: skip

    def totals():
        for i, points in enumerate(earned):
            for category, value in zip(categories, points, strict=True):
                if value:
                    yield (first_user + i, season.pk, category.pk, value)

    def scores():
        for i, points in enumerate(earned):
            capped = sum(min(v, c.season_cap) for v, c in zip(points, categories, strict=True))
            if capped:
                yield (first_user + i, season.pk, min(capped, season.point_cap), now)

    columns = ["user_id", "season_id", "category_id", "points", "reason", "source"]
    _load("competition_pointsentry", [*columns, "source_key", "created_at"], entries(),
          members * 3, estimate=True)  # fmt: skip
    _load("competition_categorytotal", ["user_id", "season_id", "category_id", "points"],
          totals(), members * 3, estimate=True)  # fmt: skip
    _load("competition_seasonscore", ["user_id", "season_id", "score", "updated_at"], scores(),
          members, estimate=True)  # fmt: skip
    _legacy(first_user, members, season.point_cap, rng)


def _legacy(first_user, members, point_cap, rng) -> None:
    """Lifetime scores, as if about 7 members in 10 had finished one earlier season: the data
    of the lifetime leaderboard."""

    def rows():
        for i in range(members):
            if rng.random() < 0.7:
                score = int(rng.uniform(0, 1) * point_cap)
                yield (first_user + i, score, score, 1)

    _load("competition_legacy", ["user_id", "score", "last_season_score", "seasons"], rows(),
          members, estimate=True)  # fmt: skip


def _activity(first_user, members, days, today, rng, now):
    for i in range(members):
        mean = min(max(rng.gauss(7_500, 2_500), 1_500), 16_000)
        for back in range(days):
            if rng.random() < 0.1:  # a day not logged
                continue
            steps = int(min(max(rng.gauss(mean, mean * 0.3), 0), 60_000))
            yield (first_user + i, today - dt.timedelta(days=back), steps, "web", "", now, now)


def _wipe(connection) -> None:
    tables = [
        "competition_legacy",
        "competition_pointsentry",
        "competition_categorytotal",
        "competition_seasonscore",
        "competition_episode",
        "competition_category",
        "competition_season",
        "notifications_notification",
        "journeys_enrollment",
        "activity_dailyactivity",
        "activity_sheetsource",
        "journeys_milestone",
        "journeys_path",
        "accounts_apitoken",
        "ops_auditevent",
        "ops_jobrun",
        "accounts_user",
        "accounts_group",
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
            cursor.execute("DELETE FROM sqlite_sequence")


def _path(start: dt.date, rng: random.Random) -> int:
    from cohort.journeys.models import Milestone, Path

    path = Path.objects.create(
        name="Bench Way",
        unit=Path.Unit.MILES,
        steps_per_unit=STEPS_PER_MILE,
        total_distance=Decimal(PATH_MILES),
        start_date=start,
        is_current=True,
    )
    inner = sorted(rng.sample(range(1, PATH_MILES * 100), MILESTONES - 2))
    distances = [0, *inner, PATH_MILES * 100]
    Milestone.objects.bulk_create(
        Milestone(
            path=path,
            order=n,
            name=f"Town {n}",
            distance=Decimal(d) / 100,
            x=d / (PATH_MILES * 100) * 1000,
            y=300.0,
        )
        for n, d in enumerate(distances)
    )
    return path.pk


def _first_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id) FROM {table}")
        return cursor.fetchone()[0]


def _load(table: str, columns: list[str], rows, total: int, estimate: bool = False) -> None:
    from django.db import connection
    from tqdm import tqdm

    label = f"{table} (~{total:,})" if estimate else table
    bar = tqdm(rows, total=total, desc=label, unit="row", unit_scale=True, mininterval=1)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in bar:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        batch = []
        for row in bar:
            batch.append(row)
            if len(batch) == 5_000:
                cursor.executemany(insert, batch)
                batch.clear()
        cursor.executemany(insert, batch)


if __name__ == "__main__":
    main()
