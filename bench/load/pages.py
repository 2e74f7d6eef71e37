"""Time the HTML pages in-process (Django's test client, no server): the dashboard `/`,
`/leaderboards/`, `/map/`, `/season/` signed in as a member, and `/mentor/` as a mentor, on
a bench/generate.py data set. Per page, milliseconds per request (wall, and in brackets this
process's CPU, the figure to trust on a shared machine) warm, and the first view
after the caches expire (a member of a group nobody has viewed yet, in a new session: the
group's dashboard, their unread count and their season computed again; for the mentor, a new
session only). With `--profile`,
the top of a cProfile of the warm requests by cumulative time.

    .venv/bin/python bench/load/pages.py --database-url URL [--requests 300] [--cold 20] \\
        [--redis-url redis://127.0.0.1:6379/3] [--only dashboard map] [--profile] \\
        [--sort tottime]
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: _django.py

from _django import database_argument, setup

PAGES = {
    "dashboard": ("member", "/"),
    "leaderboards": ("member", "/leaderboards/"),
    "map": ("member", "/map/"),
    "season": ("member", "/season/"),
    "mentor": ("mentor", "/mentor/"),
}
MENTOR_EMAIL = "bench-mentor@example.com"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="warm requests per page")
    parser.add_argument("--cold", type=int, default=20, help="first views per page")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--only", nargs="*", choices=list(PAGES), default=list(PAGES))
    parser.add_argument("--profile", action="store_true", help="cProfile the warm requests")
    parser.add_argument("--top", type=int, default=35, help="profile lines shown")
    parser.add_argument("--sort", default="cumulative", help="profile order (pstats key)")
    database_argument(parser)
    args = parser.parse_args()
    os.environ["REDIS_URL"] = args.redis_url
    os.environ["ALLOWED_HOSTS"] = "*"
    # The suite's static files (the pages need their manifest), collected when static/ changed
    os.environ.setdefault("COHORT_VAR_DIR", str(Path(tempfile.gettempdir()) / "cohort-bench-var"))
    setup(args.database_url)

    from _prepare import _collectstatic
    from django.core.cache import cache

    from cohort.competition.leaderboards.services import leaderboards_rebuild

    _collectstatic()
    cache.clear()
    leaderboards_rebuild()
    members = _members(1 + args.cold * len(PAGES))
    mentor = _mentor(members[0])
    for i, name in enumerate(args.only):
        role, url = PAGES[name]
        warm_user = mentor if role == "mentor" else members[0]
        (warm, warm_cpu), profile = _warm(warm_user, url, args.requests, args.profile)
        fresh = members[1 + i * args.cold : 1 + (i + 1) * args.cold]
        cold, cold_cpu = _cold(url, [mentor] * args.cold if role == "mentor" else fresh)
        print(
            f"{name:13} {url:15} warm {warm:7.2f} ms ({warm_cpu:6.2f} CPU)   "
            f"first view {cold:7.2f} ms ({cold_cpu:6.2f} CPU)"
        )
        if profile:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())


def _members(count: int) -> list:
    """Members with season points, one a group, so each first view meets cold group caches."""
    from django.db.models import Exists, OuterRef

    from cohort.accounts.models import User
    from cohort.competition.models import SeasonScore

    seen: set[int] = set()
    found = []
    candidates = User.objects.filter(
        Exists(SeasonScore.objects.filter(user_id=OuterRef("pk"))),
        role=User.Role.MEMBER,
        is_active=True,
        group__isnull=False,
    ).order_by("id")
    for user in candidates.iterator(chunk_size=500):
        if user.group_id not in seen:
            seen.add(user.group_id)
            found.append(user)
        if len(found) == count:
            break
    return found


def _mentor(member):
    """A mentor of the member's group and the next two, with 30 pending submissions to review
    (made once; the generator makes no mentors)."""
    from cohort.accounts.models import Group, User
    from cohort.competition.models import Category
    from cohort.reviews.models import Assignment, Submission

    mentor, created = User.objects.get_or_create(
        email=MENTOR_EMAIL,
        defaults={"display_name": "Bench Mentor", "role": User.Role.MENTOR},
    )
    if created:
        groups = list(Group.objects.filter(pk__gte=member.group_id).order_by("pk")[:3])
        for group in groups:
            group.mentors.add(mentor)
        assignment = Assignment.objects.create(
            title="Bench write-up", category=Category.objects.order_by("pk")[0], points=10
        )
        students = User.objects.filter(group__in=groups, role=User.Role.MEMBER)[:30]
        Submission.objects.bulk_create(
            Submission(user=s, assignment=assignment, text=f"Work of {s.display_name} <b>")
            for s in students
        )
    return mentor


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _warm(
    user, url: str, count: int, profile: bool
) -> tuple[tuple[float, float], cProfile.Profile | None]:
    """Wall and CPU (this process's: Python, templates, the drivers) milliseconds a request."""
    client = _client(user)
    for _ in range(3):
        answer = client.get(url)
        if answer.status_code != 200:
            raise SystemExit(f"{url} answered {answer.status_code}: {answer.content[:300]!r}")
    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    for _ in range(count):
        client.get(url)
    if profiler:
        profiler.disable()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return (wall / count * 1000, cpu / count * 1000), profiler


def _cold(url: str, users: list) -> tuple[float, float]:
    """The first view of a new session, by members no other page's first view used, each of
    a group nobody viewed yet (the mentor: the same one each time, in a new session)."""
    total = cpu = 0.0
    # One client for all: a new test Client loads the middleware again (WhiteNoise indexes
    # every static file: ~40 ms), which a server does once per process.
    client = _client(users[0])
    client.get("/health/live/")
    for user in users:
        client.logout()
        client.force_login(user)
        started, cpu_started = time.perf_counter(), time.process_time()
        answer = client.get(url)
        total += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
        if answer.status_code != 200:
            raise SystemExit(f"{url} answered {answer.status_code}")
    return total / len(users) * 1000, cpu / len(users) * 1000


if __name__ == "__main__":
    main()
