"""Per-request CPU of each middleware, in-process (Django's test client, no server): what
each layer of MIDDLEWARE adds to `/health/live/`, an API read with a token and a signed-in
page, beside the bare floor (the same view through no middleware at all). Needs the data of
bench/generate.py and Redis.

    .venv/bin/python bench/load/middleware.py [--requests 2000] \\
        [--redis-url redis://127.0.0.1:6379/8] [--profile N]

Each middleware is timed exclusively: the time inside its layer of the chain minus the time
inside the next one, plus its process_view hook (CSRF's check runs there). The clock's own
cost is measured and taken off. `--profile N` prints cProfile's top N functions per request
kind as well.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: _django.py

from _django import database_argument, setup

REQUESTS = {
    "floor /health/live/": "/health/live/",
    "API read (token): unread count": "/api/v1/notifications/unread-count",
    "API read (token): my rank": "/api/v1/leaderboards/progress/me",
    "page (session): /notifications/": "/notifications/",
}


class _Timed:
    """One layer of the chain, timed: its inclusive seconds are summed under its name."""

    def __init__(self, name: str, inner, totals: dict) -> None:
        self.name, self.inner, self.totals = name, inner, totals

    def __call__(self, *args):
        started = time.perf_counter()
        try:
            return self.inner(*args)
        finally:
            self.totals[self.name] += time.perf_counter() - started


def _timed_handler(totals: dict):
    """A ClientHandler whose chain layers and process_view hooks add their time to `totals`
    (layer i under its middleware's name; "view" is everything inside the last one)."""
    from django.core.handlers import base
    from django.test.client import ClientHandler

    original = base.convert_exception_to_response
    layers: list = []

    def wrapping(get_response):
        wrapped = original(get_response)
        name = type(get_response).__qualname__
        if hasattr(get_response, "__self__"):  # the innermost: BaseHandler._get_response
            name = "view (with URL resolution)"
        layers.append(name)
        return _Timed(name, wrapped, totals)

    base.convert_exception_to_response = wrapping
    try:
        handler = ClientHandler(enforce_csrf_checks=True)
        handler.load_middleware()
    finally:
        base.convert_exception_to_response = original
    handler._view_middleware = [
        _Timed("hook:" + type(hook.__self__).__qualname__, hook, totals)
        for hook in handler._view_middleware
    ]
    return handler, list(reversed(layers))  # outermost first


def _exclusive(totals: dict, layers: list[str], count: int, clock: float) -> list[tuple]:
    """(name, ms per request) of each layer alone: its time minus the next layer's."""
    rows = []
    for i, name in enumerate(layers):
        inner = totals[layers[i + 1]] if i + 1 < len(layers) else 0.0
        own = totals[name] - inner - clock * count
        if name.startswith("view"):
            own -= sum(v for k, v in totals.items() if k.startswith("hook:"))
        own += totals.get("hook:" + name, 0.0)
        rows.append((name, own / count * 1000))
    return rows


def _clock_cost() -> float:
    """Seconds one perf_counter pair and a call through _Timed cost."""
    totals: dict = defaultdict(float)
    timed = _Timed("x", lambda request: None, totals)
    started = time.perf_counter()
    for _ in range(100_000):
        timed(None)
    return (time.perf_counter() - started) / 100_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    database_argument(parser)
    args = parser.parse_args()
    os.environ["REDIS_URL"] = args.redis_url
    os.environ["ALLOWED_HOSTS"] = "*"
    setup(args.database_url)

    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import override_settings

    from cohort.accounts.models import User
    from cohort.accounts.tokens import api_token_create
    from cohort.competition.leaderboards.services import leaderboards_rebuild

    # Pages name static files without collectstatic's manifest (as the tests do).
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()
    cache.clear()
    leaderboards_rebuild()
    member = User.objects.filter(role=User.Role.MEMBER, group__isnull=False).order_by("?")[0]
    token = api_token_create(user=member, name="bench")[1]
    clock = _clock_cost()
    print(f"{args.requests} requests each; ms per request, exclusive of inner layers")

    with override_settings(MIDDLEWARE=[]):
        bare = Client()
        bare_ms = _run(bare, "/health/live/", args.requests)
    print(f"\nbare floor (/health/live/ through no middleware): {bare_ms:.3f} ms")

    for title, url in REQUESTS.items():
        client = Client(enforce_csrf_checks=True)
        if "token" in title:
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        elif "session" in title:
            client.force_login(member)
        totals: dict = defaultdict(float)
        client.handler, layers = _timed_handler(totals)
        _run(client, url, 50)  # warm caches
        totals.clear()
        total_ms = _run(client, url, args.requests)
        rows = _exclusive(totals, layers, args.requests, clock)
        middleware_ms = sum(ms for name, ms in rows if not name.startswith("view"))
        print(f"\n{title} ({url}): {total_ms:.3f} ms a request, middleware {middleware_ms:.3f}")
        for name, ms in rows:
            print(f"  {ms:7.3f}  {name}")
        if args.profile:
            _profile(client, url, args.requests, args.profile)


def _run(client, url: str, count: int) -> float:
    first = client.get(url)
    if first.status_code != 200:
        raise SystemExit(f"{url} answered {first.status_code}: {first.content[:200]!r}")
    started = time.perf_counter()
    for _ in range(count):
        client.get(url)
    return (time.perf_counter() - started) / count * 1000


def _profile(client, url: str, count: int, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        client.get(url)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


if __name__ == "__main__":
    main()
