"""EXPLAIN (ANALYZE, BUFFERS) every statement the hot requests run, on the benchmark data.

Each scenario makes the real request in-process (Django's test client) with
CaptureQueriesContext, then explains each statement it ran (writes inside a transaction
that is rolled back) and prints one Markdown row per statement: the plan's shape (node
types with their index or table), rows, buffers and time. `--plans` also prints the full
text plans.

    .venv/bin/python bench/explain/hot.py \
        --database-url postgres://postgres@127.0.0.1:5432/cohort_perf \
        --redis-url redis://127.0.0.1:6379/4 [--only dashboard] [--plans]

It flushes the Redis db it is given (its cache and boards), rebuilds the leaderboards,
signs in a random member (and an organiser it creates once), and logs one day for that
member through the API (the activity upsert scenario).
"""

import argparse
import json
import os
import random
import re
import sys
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: _django.py

from _django import database_argument, setup

SKIP = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET |SELECT set_config)", re.I)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--only", nargs="*", help="scenario names containing these words")
    parser.add_argument("--plans", action="store_true", help="print the full text plans too")
    parser.add_argument("--seed", type=int, default=3)
    database_argument(parser)
    args = parser.parse_args()
    os.environ["REDIS_URL"] = args.redis_url
    os.environ["ALLOWED_HOSTS"] = "*"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    setup(args.database_url)

    from django.core.cache import cache

    from cohort.competition.leaderboards.services import leaderboards_rebuild

    cache.clear()
    leaderboards_rebuild()
    scenarios = _scenarios(random.Random(args.seed))
    print("| scenario | # | statement | plan | rows | buffers hit/read | ms |")
    print("|---|---|---|---|---|---|---|")
    for name, prepare, request in scenarios:
        if args.only and not any(word in name for word in args.only):
            continue
        _run(name, prepare, request, args.plans)


def _scenarios(rng: random.Random) -> list:
    """(name, prepare, request) triples; request(clients) returns a response."""
    from django.db.models.functions import Lower
    from django.test import Client

    from cohort.accounts.models import Group, User
    from cohort.accounts.tokens import api_token_create
    from cohort.activity.tasks import progress_chunks
    from cohort.competition.leaderboards import store
    from cohort.competition.leaderboards.selectors import cursor_encode
    from cohort.core.clock import user_today
    from cohort.journeys.selectors import path_current_get

    members = User.objects.filter(role=User.Role.MEMBER, group__isnull=False)
    member = members.order_by("id")[rng.randrange(members.count())]
    token = api_token_create(user=member, name="explain", scope="activity:write")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    page = Client()
    page.force_login(member)
    organiser = User.objects.filter(email="organiser@explain.bench").first()
    if organiser is None:
        organiser = User.objects.create_superuser("organiser@explain.bench", "Organiser", "x")
    staff = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=organiser, name='e')[1]}")
    path = path_current_get()
    today = user_today(member)
    deep = cursor_encode(1000 * 50)

    def clear():
        # Every cached value, but not the leaderboards' sorted sets: cache.clear() would
        # flush those too, and a missing board is rebuilt in the request without a broker.
        redis = store.client()
        doomed = [k for k in redis.scan_iter("cohort:*") if not k.endswith(":generation")]
        if doomed:
            redis.delete(*doomed)

    def warm(url, client=api):
        return lambda: client.get(url)

    def no_redis():
        # Redis down for the boards: the selectors answer from the database.
        clear()
        patcher = mock.patch("cohort.competition.leaderboards.store.client", return_value=None)
        patcher.start()
        return patcher.stop

    login = {"email": member.email, "password": "bench-group-password"}
    name = member.group.name.upper()
    scenarios = [
        (
            "group by name, case-insensitive (import_members, the admin's search)",
            clear,
            lambda: [
                list(Group.objects.annotate(key=Lower("name")).filter(key=name.lower())),
                list(Group.objects.filter(name__iexact=name)),
            ],
        ),
        (
            "member by email (the sign-in backend; import_members)",
            clear,
            lambda: [
                list(User.objects.filter(email=member.email)),
                list(User.objects.annotate(key=Lower("email")).filter(key=member.email)),
            ],
        ),
        (
            "sign-in: POST /api/v1/auth/login",
            clear,
            lambda: Client().post("/api/v1/auth/login", login, content_type="application/json"),
        ),
        ("dashboard API, cold cache", clear, lambda: api.get("/api/v1/dashboard")),
        ("dashboard API, warm", warm("/api/v1/dashboard"), lambda: api.get("/api/v1/dashboard")),
        ("dashboard page /, cold cache", clear, lambda: page.get("/")),
        ("dashboard page /, warm", warm("/", page), lambda: page.get("/")),
        (
            "dashboard API, organiser, all, by progress",
            clear,
            lambda: staff.get("/api/v1/dashboard?scope=all"),
        ),
        (
            "dashboard API, organiser, all, progress 40-60%",
            clear,
            lambda: staff.get("/api/v1/dashboard?scope=all&progress_min=40&progress_max=60"),
        ),
        (
            "dashboard API, organiser, all, by last activity",
            clear,
            lambda: staff.get("/api/v1/dashboard?scope=all&order=last_activity"),
        ),
    ]
    for board in ("progress", "points", "lifetime", "groups"):
        url = f"/api/v1/leaderboards/{board}"
        scenarios += [
            (f"leaderboard {board}, first page, cold page cache", clear, warm(url)),
            (
                f"leaderboard {board}, page 1,001, cold page cache",
                clear,
                warm(f"{url}?cursor={deep}"),
            ),
            (f"leaderboard {board}, my rank", clear, warm(f"{url}/me")),
            (f"leaderboard {board}, first page, database fallback", no_redis, warm(url)),
            (
                f"leaderboard {board}, page 1,001, database fallback",
                no_redis,
                warm(f"{url}?cursor={deep}"),
            ),
            (f"leaderboard {board}, my rank, database fallback", no_redis, warm(f"{url}/me")),
        ]
    scenarios += [
        ("unread count, cold cache", clear, warm("/api/v1/notifications/unread-count")),
        (
            "unread count, warm",
            warm("/api/v1/notifications/unread-count"),
            warm("/api/v1/notifications/unread-count"),
        ),
        (
            "activity upsert: PUT /api/v1/activity/{today}",
            clear,
            lambda: api.put(
                f"/api/v1/activity/{today}",
                {"steps": random.randint(1000, 20000)},
                content_type="application/json",
            ),
        ),
        ("map page /map/, cold cache", clear, lambda: page.get("/map/")),
        (
            f"map positions API /api/v1/paths/{path.id}/positions, cold cache",
            clear,
            warm(f"/api/v1/paths/{path.id}/positions"),
        ),
        ("notifications list API, cold cache", clear, warm("/api/v1/notifications")),
        ("notifications list API, unread only", clear, warm("/api/v1/notifications?unread=true")),
        (
            "notifications page /notifications/, cold cache",
            clear,
            lambda: page.get("/notifications/"),
        ),
        (
            "nightly chunk: progress_recompute_groups (10,000 members, nothing changed)",
            clear,
            lambda: _chunk(progress_chunks()[1]),
        ),
    ]
    return scenarios


def _chunk(group_ids):
    from cohort.activity.services.recompute import progress_recompute_groups

    progress_recompute_groups(group_ids=group_ids)
    return None


def _run(name: str, prepare, request, show_plans: bool) -> None:
    from django.db import DatabaseError, connection
    from django.test.utils import CaptureQueriesContext

    undo = prepare()
    try:
        with CaptureQueriesContext(connection) as captured:
            response = request()
    finally:
        if callable(undo):
            undo()
    status = f" ({response.status_code})" if hasattr(response, "status_code") else ""
    statements = [q for q in captured.captured_queries if not SKIP.match(q["sql"])]
    print(f"| **{name}**{status} | {len(statements)} | | | | | |")
    for number, query in enumerate(statements, 1):
        try:
            plan = _explain(connection, query["sql"], show_plans)
        except DatabaseError as exc:  # e.g. an INSERT whose row now exists
            first = str(exc).splitlines()[0][:80]
            print(f"| | {number} | `{_short(query['sql'])}` | (not re-run: {first}) | | | |")
            continue
        print(
            f"| | {number} | `{_short(query['sql'])}` | {plan['shape']} | {plan['rows']} "
            f"| {plan['hit']}/{plan['read']} | {plan['ms']} |",
            flush=True,
        )
        if show_plans:
            print("\n".join("    " + line[:200] for line in plan["text"]) + "\n")


def _explain(connection, sql: str, with_text: bool) -> dict:
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        try:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            found = cursor.fetchone()[0]
            plan = (json.loads(found) if isinstance(found, str) else found)[0]
            text = []
            if with_text:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                text = [row[0] for row in cursor.fetchall()]
        finally:
            transaction.set_rollback(True)
    top = plan["Plan"]
    return {
        "shape": _shape(top),
        "rows": top.get("Actual Rows", ""),
        "hit": top.get("Shared Hit Blocks", 0),
        "read": top.get("Shared Read Blocks", 0),
        "ms": f"{plan['Planning Time'] + plan['Execution Time']:.2f}",
        "text": text,
    }


def _shape(node: dict) -> str:
    """Scans and joins in the plan, outermost first: 'Index Scan (users_email_key)', ..."""
    parts = []

    def walk(n):
        kind = n["Node Type"]
        where = n.get("Index Name") or n.get("Relation Name") or ""
        if kind in {"Result", "Limit", "Materialize", "Memoize", "Hash"} and not where:
            pass
        elif where:
            parts.append(f"{kind} ({where})")
        elif kind not in {"Gather", "Gather Merge"}:
            parts.append(kind)
        for child in n.get("Plans", []):
            walk(child)

    walk(node)
    seen = []
    for part in parts:  # keep the order, drop repeats (a partition per scan, a subplan per row)
        if part not in seen:
            seen.append(part)
    return ", ".join(seen)


def _short(sql: str) -> str:
    sql = re.sub(r"\s+", " ", sql)
    sql = re.sub(r'"[a-z_]+"\."([a-z_]+)"', r"\1", sql)  # "table"."column" -> column
    sql = re.sub(r"SELECT .*? FROM", "SELECT … FROM", sql, count=1)
    sql = re.sub(r"IN \((\d+, ){5,}\d+\)", "IN (…)", sql)
    return sql[:110].replace("|", "\\|").replace("`", "'") + ("…" if len(sql) > 110 else "")


if __name__ == "__main__":
    main()
