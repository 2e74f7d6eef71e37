"""Get one benchmark database ready for a load run and write the context the load
generators read (bench/load/scenarios.py): run by bench/load/suite.py in its own process, one per
database, so each gets a fresh Django.

    .venv/bin/python bench/load/_prepare.py --database-url URL --redis-url URL --out FILE

Migrates, flushes its Redis db, collects static files, rebuilds the leaderboards, makes
API tokens and signed-in sessions for `--members` random members with season points, and
records the facts a report needs (member count, board sizes, the Argon2 cost of a sign-in).
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: _django.py

from _django import database_argument, setup, tokens_mint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--out", required=True, help="the context file (JSON) to write")
    parser.add_argument("--members", type=int, default=2_000, help="tokens and sessions made")
    parser.add_argument("--mentors", type=int, default=50,
                        help="mentors made (bench-mentor-N@bench.invalid), the groups shared "
                        "among them, each with a session")  # fmt: skip
    database_argument(parser)
    args = parser.parse_args()
    os.environ["REDIS_URL"] = args.redis_url
    setup(args.database_url)

    import redis
    from django.core.management import call_command

    started = time.perf_counter()
    redis.Redis.from_url(args.redis_url).flushdb()
    _collectstatic()
    call_command("rebuild_leaderboards", verbosity=0)
    walkers = _walkers(args.members)
    mentors = _mentors(args.mentors)
    context = {
        **_facts(),
        "emails": [user.email for user in walkers],
        "groups_of": [user.group_id for user in walkers],
        "tokens": tokens_mint(walkers, "bench"),
        "sessions": _sessions(walkers),
        "mentor_sessions": _sessions(mentors),
    }
    with open(args.out, "w") as out:
        json.dump(context, out)
    spread = len(set(context["groups_of"]))
    print(f"Prepared {context['members']:,} members, {len(walkers):,} tokens and sessions "
          f"(members of {spread:,} groups), {len(mentors)} mentors, "
          f"in {time.perf_counter() - started:.1f} s.")  # fmt: skip


def _collectstatic() -> None:
    """The pages need the static files' manifest. Compressing every file takes minutes on a
    busy machine, so this runs only when a file in static/ is newer than the manifest."""
    from _django import ROOT
    from django.conf import settings
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    sources = [f for f in (ROOT / "static").rglob("*") if f.is_file()]
    if manifest.exists() and all(f.stat().st_mtime < manifest.stat().st_mtime for f in sources):
        return
    call_command("collectstatic", interactive=False, verbosity=0)


def _walkers(count: int) -> list:
    """`count` random members with season points (so each is on every board: "my rank"
    answers 404 to one who is not), round-robin over the groups: one random member of each
    group, then a second of each, and so on, so the first 1,000 span 1,000 groups and the
    asks find group caches cold as in life."""
    from django.db.models import F, Window
    from django.db.models.functions import Random, RowNumber

    from cohort.accounts.models import User
    from cohort.competition.models import SeasonScore

    scored = User.objects.filter(
        role=User.Role.MEMBER, is_active=True, pk__in=SeasonScore.objects.values("user_id")
    ).annotate(turn=Window(RowNumber(), partition_by=F("group_id"), order_by=Random()))
    return list(scored.select_related("group").order_by("turn", "?")[:count])


def _mentors(count: int) -> list:
    """`count` mentors (made again each run), the groups dealt among them in turn: /mentor/
    asked as each of them reads the queue of 1/count of the groups."""
    from cohort.accounts.models import Group, User

    User.objects.filter(email__endswith="@bench-mentor.invalid").delete()
    mentors = User.objects.bulk_create(
        User(
            email=f"mentor{n}@bench-mentor.invalid",
            display_name=f"Bench mentor {n}",
            role=User.Role.MENTOR,
            password="!",  # noqa: S106 (an unusable password: they never sign in)
        )
        for n in range(count)
    )
    through = Group.mentors.through
    groups = Group.objects.order_by("id").values_list("id", flat=True)
    through.objects.bulk_create(
        through(group_id=group, user_id=mentors[n % count].pk) for n, group in enumerate(groups)
    )
    return mentors


def _sessions(walkers: list) -> list[str]:
    """A signed-in session per member, as a sign-in leaves it (without hashing the group
    password 2,000 times): the keys of django.contrib.auth.login and SessionTimeoutMiddleware,
    in one insert into the session table (the cached_db engine reads it on a cache miss)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from cohort.accounts.services.signin import SESSION_AUTH_AT, SESSION_SEEN_AT

    if "db" not in settings.SESSION_ENGINE:
        raise SystemExit(
            f"bench sessions are written to the database, not {settings.SESSION_ENGINE}"
        )
    now = int(time.time())
    expires = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    store = SessionStore()
    rows = {}
    for user in walkers:
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            SESSION_AUTH_AT: now,
            SESSION_SEEN_AT: now,
        }
        rows[get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")] = store.encode(data)
    Session.objects.bulk_create(
        Session(session_key=key, session_data=data, expire_date=expires)
        for key, data in rows.items()
    )
    return list(rows)


def _facts() -> dict:
    from django.db import connection
    from django.utils import timezone

    from cohort.accounts.models import Group, User
    from cohort.activity.models import DailyActivity
    from cohort.competition.models import Legacy, SeasonScore
    from cohort.journeys.models import Enrollment
    from cohort.journeys.selectors import path_current_get

    path = path_current_get()
    if path is None:
        raise SystemExit("No current path: run bench/generate.py on this database first.")
    members = User.objects.filter(role=User.Role.MEMBER)
    facts = {
        "members": members.count(),
        "groups": Group.objects.count(),
        "days": DailyActivity.objects.count(),
        "path_id": path.id,
        "progress_size": Enrollment.objects.filter(path_id=path.id).count(),
        "points_size": SeasonScore.objects.count(),
        "lifetime_size": Legacy.objects.count(),
        "today": timezone.localdate().isoformat(),
        "database": connection.vendor,
        **_argon2_cost(Group.objects.values_list("password", flat=True).first()),
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version'), "
                           "current_setting('shared_buffers')")  # fmt: skip
            facts["postgres"], facts["shared_buffers"] = cursor.fetchone()
    return facts


def _argon2_cost(encoded: str) -> dict:
    """The group password's Argon2 parameters and the CPU time of one check here."""
    from django.contrib.auth.hashers import check_password

    parameters = encoded.split("$")[3] if encoded.startswith("argon2") else "not Argon2"
    started = time.process_time()
    wall = time.perf_counter()
    for _ in range(5):
        check_password("bench-group-password", encoded)
    return {
        "argon2": parameters,
        "argon2_cpu_ms": (time.process_time() - started) / 5 * 1000,
        "argon2_wall_ms": (time.perf_counter() - wall) / 5 * 1000,
    }


if __name__ == "__main__":
    main()
