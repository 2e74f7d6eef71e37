"""Candidate indexes, measured before and after on the benchmark data: each candidate's
reads (the statements the app runs, captured from real requests or selectors) are
explained with ANALYZE several times without and with the index, and its write cost is
timed where it has one. The index is dropped again afterwards: what pays goes into a
migration, not into this script.

    .venv/bin/python bench/explain/indexes.py \
        --database-url postgres://postgres@127.0.0.1:5432/cohort_perf [--only distance]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: _django.py

from _django import database_argument, setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*")
    database_argument(parser)
    args = parser.parse_args()
    os.environ["REDIS_URL"] = args.redis_url
    os.environ["ALLOWED_HOSTS"] = "*"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    setup(args.database_url)
    for name, candidate in _candidates().items():
        if args.only and not any(word in name for word in args.only):
            continue
        _measure(name, candidate, args.runs)


def _candidates() -> dict:
    from django.test import Client

    from cohort.accounts.models import User
    from cohort.accounts.tokens import api_token_create
    from cohort.dashboard.rows import _cursor_encode
    from cohort.journeys.models import Enrollment
    from cohort.journeys.selectors import path_current_get

    organiser = User.objects.filter(email="organiser@explain.bench").first()
    if organiser is None:
        organiser = User.objects.create_superuser("organiser@explain.bench", "Organiser", "x")
    staff = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=organiser, name='i')[1]}")
    path = path_current_get()
    middle = Enrollment.objects.filter(path_id=path.id).order_by("-distance", "user_id")[50_000]
    deep = _cursor_encode(middle, "distance")

    def get(url):
        def call():
            response = staff.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}: {response.content!r}")

        return call

    def progress_rows_page(start):
        from cohort.competition.leaderboards.standings import progress_rows

        return lambda: list(progress_rows(path.id)[start : start + 50])

    return {
        "enrollment (path, distance desc, user): the dashboard's order": {
            # journeys 0002 made it: measure from a copy without it, and put it back after.
            "prepare": ["DROP INDEX IF EXISTS enrollment_path_distance"],
            "finally": [
                "CREATE INDEX IF NOT EXISTS enrollment_path_distance ON journeys_enrollment "
                "(path_id, distance DESC, user_id)"
            ],
            "create": [
                "CREATE INDEX enrollment_path_distance ON journeys_enrollment "
                "(path_id, distance DESC, user_id)"
            ],
            "drop": ["DROP INDEX enrollment_path_distance"],
            "reads": {
                "organiser dashboard, all, first page": get("/api/v1/dashboard?scope=all"),
                "organiser dashboard, all, after 50,000 rows": get(
                    f"/api/v1/dashboard?scope=all&cursor={deep}"
                ),
                "organiser dashboard, progress 40-60%": get(
                    "/api/v1/dashboard?scope=all&progress_min=40&progress_max=60"
                ),
            },
            "marker": "journeys_enrollment",
            "writes": _nightly_moved,
        },
        "enrollment (path, (distance*100)::int desc, user): the progress board's order": {
            "create": [
                "CREATE INDEX enrollment_path_score ON journeys_enrollment "
                "(path_id, ((distance * 100)::integer) DESC, user_id)"
            ],
            "drop": ["DROP INDEX enrollment_path_score"],
            "reads": {
                "progress board from the database, first page": progress_rows_page(0),
                "progress board from the database, page 1,001": progress_rows_page(50_000),
            },
            "marker": "journeys_enrollment",
        },
        "the indexes journeys 0002 dropped, put back: (path, -progress), (path), (user)": {
            "create": [
                "CREATE INDEX enrollment_path_progress ON journeys_enrollment "
                "(path_id, progress DESC)",
                "CREATE INDEX journeys_enrollment_path_id_0147fe60 ON journeys_enrollment "
                "(path_id)",
                "CREATE INDEX journeys_enrollment_user_id_a3e6fa45 ON journeys_enrollment "
                "(user_id)",
            ],
            "drop": [
                "DROP INDEX enrollment_path_progress",
                "DROP INDEX journeys_enrollment_path_id_0147fe60",
                "DROP INDEX journeys_enrollment_user_id_a3e6fa45",
            ],
            "reads": {
                "organiser dashboard, progress 40-60%": get(
                    "/api/v1/dashboard?scope=all&progress_min=40&progress_max=60"
                ),
            },
            "marker": "journeys_enrollment",
            "writes": _nightly_moved,
        },
        "activity (updated_at): the seed's last-updated date": {
            "create": ["CREATE INDEX activity_updated_at ON activity_dailyactivity (updated_at)"],
            "drop": ["DROP INDEX activity_updated_at"],
            "reads": {},  # no code reads by updated_at (see docs/performance.md)
            "marker": "activity_dailyactivity",
            "writes": _upserts,
        },
    }


def _upserts(runs: int) -> tuple[str, float, list]:
    """The day's upsert as activity_log writes it (an UPDATE of steps, source, review and
    updated_at of an existing row), 500 members, each in its own transaction: ms a row.
    Plain SQL, so the figure is the row write and its index entries, nothing else."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(date) FROM activity_dailyactivity")
        day = cursor.fetchone()[0]
        cursor.execute(
            "SELECT user_id FROM activity_dailyactivity WHERE date = %s ORDER BY user_id LIMIT 500",
            [day],
        )
        users = [row[0] for row in cursor.fetchall()]
    times = []
    for run in range(runs):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for user in users:
                cursor.execute(
                    """INSERT INTO activity_dailyactivity
                           (user_id, date, steps, source, review, created_at, updated_at)
                       VALUES (%s, %s, %s, 'api', '', now(), now())
                       ON CONFLICT (user_id, date) DO UPDATE
                       SET steps = EXCLUDED.steps, source = EXCLUDED.source,
                           updated_at = EXCLUDED.updated_at""",
                    [user, day, 4000 + run],
                )
        times.append((time.perf_counter() - started) * 1000 / len(users))
    return "upsert of an existing day, ms a row (500, autocommit)", statistics.median(times), times


def _nightly_moved(runs: int) -> tuple[str, float, list]:
    """One chunk of the nightly job after every member of it moved: each run adds steps to
    the chunk's latest days first (so every enrollment changes), then times the chunk."""
    from django.db import connection

    from cohort.activity.services.recompute import progress_recompute_groups
    from cohort.activity.tasks import progress_chunks

    chunk = progress_chunks()[2]
    times = []
    for _ in range(runs):
        with connection.cursor() as cursor:
            cursor.execute(
                """UPDATE activity_dailyactivity a SET steps = steps + 997
                   FROM accounts_user u
                   WHERE u.id = a.user_id AND u.group_id = ANY(%s)
                   AND a.date = (SELECT max(date) FROM activity_dailyactivity)""",
                [chunk],
            )
            cursor.execute("VACUUM activity_dailyactivity, journeys_enrollment")
        started = time.perf_counter()
        progress_recompute_groups(group_ids=chunk)
        times.append((time.perf_counter() - started) * 1000)
    return "nightly chunk, every enrollment moved (ms)", statistics.median(times), times


def _measure(name: str, candidate: dict, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    print(f"\n## {name}", flush=True)
    statements = {}
    for label, call in candidate["reads"].items():
        with CaptureQueriesContext(connection) as captured:
            call()
        found = [q["sql"] for q in captured.captured_queries if candidate["marker"] in q["sql"]]
        statements[label] = found
    results = {}
    _ddl(candidate.get("prepare", []))
    for phase in ("without", "with", "without again"):
        if phase == "with":
            _ddl(candidate["create"])
        elif phase == "without again":
            _ddl(candidate["drop"])
        for label, sqls in statements.items():
            for number, sql in enumerate(sqls, 1):
                key = f"{label} #{number}"
                results.setdefault(key, {})[phase] = _explain_runs(sql, runs)
        if "writes" in candidate:
            label, median, times = candidate["writes"](runs)
            results.setdefault(label, {})[phase] = {
                "median": median,
                "runs": times,
                "shape": "",
            }
    _ddl(candidate.get("finally", []))
    print("| statement | without: ms (plan) | with: ms (plan) | without again |")
    print("|---|---|---|---|")
    for key, phases in results.items():
        cells = []
        for phase in ("without", "with", "without again"):
            found = phases.get(phase)
            cells.append("" if found is None else f"{found['median']:.2f} ({found['shape']})")
        print(f"| {key} | " + " | ".join(cells) + " |")
    print(json.dumps(results, default=str)[:4000])


def _ddl(statements: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("ANALYZE journeys_enrollment")
        cursor.execute("ANALYZE activity_dailyactivity")


def _explain_runs(sql: str, runs: int) -> dict:
    from django.db import connection, transaction
    from hot import _shape

    times = []
    shape = ""
    for _ in range(runs + 1):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            found = cursor.fetchone()[0]
            plan = (json.loads(found) if isinstance(found, str) else found)[0]
            transaction.set_rollback(True)
        times.append(plan["Planning Time"] + plan["Execution Time"])
        shape = _shape(plan["Plan"])
    times = times[1:]  # the first run warms the cache
    return {"median": statistics.median(times), "runs": times, "shape": shape}


if __name__ == "__main__":
    main()
