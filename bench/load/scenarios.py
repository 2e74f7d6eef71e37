"""The requests each load scenario sends, shared by the load generators (bench/load/load.py under
locust, bench/load/openloop.py under asyncio, bench/load/mix.py). No Django here: the generators run
in their own processes. Each scenario turns a random source and the prepared context (the
JSON file bench/load/suite.py writes: API tokens, session keys, emails, board sizes) into one
request: (method, path, headers, body).
"""

import datetime as dt
import json
import os
import random
from base64 import urlsafe_b64encode
from collections.abc import Callable
from pathlib import Path

SIGNIN_PASSWORD = "bench-group-password"  # bench/generate.py's group password
EDIT_DAYS = 5  # days back an activity write may touch (the edit window is 7)

Request = tuple[str, str, dict, bytes | None]

# name: (path, what the row is called in the tables)
READS = {
    "floor": ("/health/live/", "floor `/health/live/`"),
    "unread_count": ("/api/v1/notifications/unread-count", "unread count"),
    "dashboard": ("/api/v1/dashboard", "dashboard (the viewer's group of 20)"),
    "leaderboard": ("/api/v1/leaderboards/progress", "leaderboard, distance (half deep pages)"),
    "leaderboard_groups": ("/api/v1/leaderboards/groups", "leaderboard, groups"),
    "leaderboard_points": (
        "/api/v1/leaderboards/points",
        "leaderboard, season points (half deep pages)",
    ),
    "leaderboard_lifetime": (
        "/api/v1/leaderboards/lifetime",
        "leaderboard, lifetime (half deep pages)",
    ),
    "my_rank": ("/api/v1/leaderboards/progress/me", "my rank, distance"),
    "my_rank_points": ("/api/v1/leaderboards/points/me", "my rank, season points"),
    "map": ("/api/v1/paths/{path_id}/positions", "map: the group's markers (API)"),
}
WRITES = {
    "activity_upsert": "activity upsert (`PUT /api/v1/activity/{day}`)",
    "signin": "sign-in (`POST /api/v1/auth/login`, Argon2)",
}
LABELS = {**{name: label for name, (_, label) in READS.items()}, **WRITES}
# board scenario -> the context key with its size (members on it)
DEEP = {
    "leaderboard": "progress_size",
    "leaderboard_points": "points_size",
    "leaderboard_lifetime": "lifetime_size",
}
PAGE = 50


def context_load(path: str | None = None) -> dict:
    """The prepared context (BENCH_CONTEXT names its file)."""
    return json.loads(Path(path or os.environ["BENCH_CONTEXT"]).read_text())


def cursor(start: int) -> str:
    """A leaderboard cursor as the API makes it (cohort.competition.leaderboards.selectors)."""
    return urlsafe_b64encode(f"start={start}".encode()).decode().rstrip("=")


def builder(name: str, context: dict) -> Callable[[random.Random], Request]:
    """A function making one request of scenario `name` from a random source."""
    tokens = context.get("tokens", [])
    if name == "floor":
        return lambda rng: ("GET", READS["floor"][0], {}, None)
    if name == "signin":
        emails = context["emails"]

        def signin(rng: random.Random) -> Request:
            body = json.dumps({"email": rng.choice(emails), "password": SIGNIN_PASSWORD})
            return "POST", "/api/v1/auth/login", _json_headers(), body.encode()

        return signin
    if name == "activity_upsert":
        today = dt.date.fromisoformat(context["today"])

        def upsert(rng: random.Random) -> Request:
            day = today - dt.timedelta(days=rng.randrange(1, EDIT_DAYS + 1))
            body = json.dumps({"steps": rng.randrange(2_000, 15_000)}).encode()
            headers = {**_bearer(rng.choice(tokens)), **_json_headers()}
            return "PUT", f"/api/v1/activity/{day.isoformat()}", headers, body

        return upsert
    path = READS[name][0].format(path_id=context.get("path_id", 0))
    pages = max(1, context.get(DEEP.get(name, ""), 0) // PAGE)

    def read(rng: random.Random) -> Request:
        url = path
        if name in DEEP and rng.random() < 0.5:
            # half the asks are for a deeper page, as people scroll
            url = f"{path}?cursor={cursor(rng.randrange(pages) * PAGE)}"
        return "GET", url, _bearer(rng.choice(tokens)), None

    return read


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _json_headers() -> dict:
    return {"Content-Type": "application/json"}
