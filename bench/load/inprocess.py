"""Time requests in-process (Django's test client, no server), to see what a change does to
one answer without the noise of a load run. Needs the data of bench/generate.py and Redis.

    .venv/bin/python bench/load/inprocess.py [--requests 2000] \\
        [--redis-url redis://127.0.0.1:6379/3]
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: _django.py

from _django import database_argument, setup

ENDPOINTS = {
    "floor": "/health/live/",
    "unread count": "/api/v1/notifications/unread-count",
    "leaderboard page": "/api/v1/leaderboards/progress",
    "groups page": "/api/v1/leaderboards/groups",
    "points page": "/api/v1/leaderboards/points",
    "my rank": "/api/v1/leaderboards/progress/me",
    "dashboard": "/api/v1/dashboard",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    database_argument(parser)
    args = parser.parse_args()
    os.environ["REDIS_URL"] = args.redis_url
    os.environ["ALLOWED_HOSTS"] = "*"
    setup(args.database_url)

    from django.core.cache import cache
    from django.test import Client

    from cohort.accounts.models import User
    from cohort.accounts.tokens import api_token_create
    from cohort.competition.leaderboards.selectors import cursor_encode
    from cohort.competition.leaderboards.services import leaderboards_rebuild

    cache.clear()
    leaderboards_rebuild()
    member = User.objects.filter(role=User.Role.MEMBER, group__isnull=False).order_by("?")[0]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=member, name='bench')[1]}")
    for name, url in ENDPOINTS.items():
        print(f"{name}: {_time(client, lambda u=url: u, args.requests):.2f} ms")
    rng = random.Random(1)
    deep = lambda: f"/api/v1/leaderboards/progress?cursor={cursor_encode(rng.randrange(2000) * 50)}"  # noqa: E731
    print(f"deep leaderboard page: {_time(client, deep, args.requests // 4):.2f} ms")


def _time(client, url, count: int) -> float:
    first = client.get(url())
    if first.status_code != 200:
        raise SystemExit(f"{url()} answered {first.status_code}: {first.content[:200]!r}")
    started = time.perf_counter()
    for _ in range(count):
        client.get(url())
    return (time.perf_counter() - started) / count * 1000


if __name__ == "__main__":
    main()
