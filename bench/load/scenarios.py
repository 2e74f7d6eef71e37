"""The requests each load scenario sends, shared by the load generators (bench/load/load.py under
locust, bench/load/openloop.py under asyncio, bench/load/mix.py). No Django here: the generators run
in their own processes. Each scenario turns a random source and the prepared context (the
JSON file bench/load/suite.py writes: API tokens, session keys, emails, board sizes) into one
request: (method, path, headers, body).
"""

import datetime as dt
import itertools
import json
import os
import random
import string
from base64 import urlsafe_b64encode
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

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
# The member's HTML pages, asked with a signed-in session (`/mentor/` with a mentor's).
PAGES = {
    "page_home": ("/", "page: `/` dashboard (HTML)"),
    "page_leaderboards": ("/leaderboards/", "page: `/leaderboards/` (HTML)"),
    "page_map": ("/map/", "page: `/map/` (HTML)"),
    "page_season": ("/season/", "page: `/season/` (HTML)"),
    "page_mentor": ("/mentor/", "page: `/mentor/` review queue (HTML, mentors)"),
}
# The realistic mix (bench/load/mix.py under locust, bench/load/mixopen.py open loop): each
# member polls the unread badge, opens one of these pages, logs a day's steps (mean period).
MIX_POLL_SECONDS, MIX_PAGE_SECONDS, MIX_STEPS_MEAN_SECONDS = 30.0, 20.0, 300.0
MIX_PAGES = {"/": "page: dashboard", "/leaderboards/": "page: leaderboards", "/map/": "page: map"}
WRITES = {
    "activity_upsert": "activity upsert (`PUT /api/v1/activity/{day}`)",
    "activity_form": "activity form (`POST /activity/`, CSRF)",
    "signin": "sign-in (`POST /api/v1/auth/login`, Argon2)",
}
# Served by another server than Cohort's (bench/load/suite.py starts each): name -> server.
PEERS = {
    "django_floor": ("floor", "/", "Django floor: a bare view, no middleware"),
    "ctfd_scoreboard": ("ctfd", "/scoreboard", "CTFd `/scoreboard` (HTML)"),
    "ctfd_scoreboard_api": ("ctfd", "/api/v1/scoreboard", "CTFd `/api/v1/scoreboard`"),
    "ctfd_top10": ("ctfd", "/api/v1/scoreboard/top/10", "CTFd `/api/v1/scoreboard/top/10`"),
    "ctfd_attempt": ("ctfd", "/api/v1/challenges/attempt",
                     "CTFd flag submission (`POST /api/v1/challenges/attempt`)"),
}  # fmt: skip
LABELS = {
    **{name: label for name, (_, label) in {**READS, **PAGES}.items()},
    **WRITES,
    **{name: label for name, (_, _, label) in PEERS.items()},
}
# Each write goes to its own (member, day) so that the totals stay checkable: the pairs are
# numbered (member = k mod writers, day = k div writers), and each run of a write scenario
# takes its own slot of the numbers (bench/load/suite.py: warm-up, saturated, open loop; the
# API and the form apart), so no two writes of a run touch the same day of the same member.
WRITE_SLOTS = 6
SLOT = {"warmup": 0, "saturated": 1, "paced": 2}
CSRF_CHARS = string.ascii_letters + string.digits
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


def builder(name: str, context: dict, slot: str = "paced") -> Callable[[random.Random], Request]:
    """A function making one request of scenario `name` from a random source. Reads ask as a
    random one of the members of `context["tokens"]` / `["sessions"]` (bench/load/_prepare.py
    orders them round-robin over the groups, so any 1,000 of them span 1,000 groups: group
    caches are cold as in life); writes take the next (member, day) pair of their `slot`."""
    tokens = context.get("tokens", [])
    if name == "floor":
        return lambda rng: ("GET", READS["floor"][0], {}, None)
    if name in PEERS:
        return _peer(name, context)
    if name in PAGES:
        return _page(name, context)
    if name in ("activity_upsert", "activity_form"):
        return _write(name, context, slot)
    if name == "signin":
        emails = context["emails"]

        def signin(rng: random.Random) -> Request:
            body = json.dumps({"email": rng.choice(emails), "password": SIGNIN_PASSWORD})
            return "POST", "/api/v1/auth/login", _json_headers(), body.encode()

        return signin
    path = READS[name][0].format(path_id=context.get("path_id", 0))
    pages = max(1, context.get(DEEP.get(name, ""), 0) // PAGE)

    def read(rng: random.Random) -> Request:
        url = path
        if name in DEEP and rng.random() < 0.5:
            # half the asks are for a deeper page, as people scroll
            url = f"{path}?cursor={cursor(rng.randrange(pages) * PAGE)}"
        return "GET", url, _bearer(rng.choice(tokens)), None

    return read


def _page(name: str, context: dict) -> Callable[[random.Random], Request]:
    sessions = context["mentor_sessions"] if name == "page_mentor" else context["sessions"]
    path = PAGES[name][0]

    def page(rng: random.Random) -> Request:
        return "GET", path, {"Cookie": f"sessionid={rng.choice(sessions)}"}, None

    return page


def write_pair(name: str, context: dict, slot: str, k: int) -> tuple[int, dt.date, int]:
    """The `k`th write of `slot`: (member index, day, steps), all fixed by k."""
    writers = len(context["write_tokens"])
    block = writers * EDIT_DAYS // WRITE_SLOTS
    n = (SLOT[slot] + (3 if name == "activity_form" else 0)) * block + k % block
    day = dt.date.fromisoformat(context["today"]) - dt.timedelta(days=1 + n // writers)
    return n % writers, day, 2_000 + (n * 7_919) % 13_000


def _write(name: str, context: dict, slot: str) -> Callable[[random.Random], Request]:
    turn = itertools.count()
    if name == "activity_upsert":

        def upsert(rng: random.Random) -> Request:
            member, day, steps = write_pair(name, context, slot, next(turn))
            headers = {**_bearer(context["write_tokens"][member]), **_json_headers()}
            body = json.dumps({"steps": steps}).encode()
            return "PUT", f"/api/v1/activity/{day.isoformat()}", headers, body

        return upsert

    def form(rng: random.Random) -> Request:
        member, day, steps = write_pair(name, context, slot, next(turn))
        secret = "".join(rng.choice(CSRF_CHARS) for _ in range(32))
        cookie = f"sessionid={context['write_sessions'][member]}; csrftoken={secret}"
        body = urlencode({"csrfmiddlewaretoken": csrf_mask(secret, rng),
                          "day": day.isoformat(), "steps": steps})  # fmt: skip
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        return "POST", "/activity/", headers, body.encode()

    return form


def csrf_mask(secret: str, rng: random.Random) -> str:
    """The masked form token a page carries for a CSRF cookie `secret` (Django's
    django.middleware.csrf._mask_cipher_secret: the same scheme, no Django here)."""
    mask = "".join(rng.choice(CSRF_CHARS) for _ in range(len(secret)))
    pairs = zip(
        (CSRF_CHARS.index(x) for x in secret), (CSRF_CHARS.index(y) for y in mask), strict=True
    )
    return mask + "".join(CSRF_CHARS[(x + y) % len(CSRF_CHARS)] for x, y in pairs)


def _peer(name: str, context: dict) -> Callable[[random.Random], Request]:
    path = PEERS[name][1]
    if name != "ctfd_attempt":
        return lambda rng: ("GET", path, {}, None)
    ctfd = context["ctfd"]
    tokens, challenges = ctfd["tokens"], ctfd["challenges"]
    turn = itertools.count()

    def attempt(rng: random.Random) -> Request:
        # Users in turn (CTFd limits each user's wrong tries a minute), a random challenge,
        # the right flag (a solve, or "already solved") or a wrong one, half and half.
        k = next(turn)
        challenge = rng.choice(challenges)
        flag = f"flag{{{challenge}}}" if rng.random() < 0.5 else "flag{wrong}"
        body = json.dumps({"challenge_id": challenge, "submission": flag}).encode()
        headers = {"Authorization": f"Token {tokens[k % len(tokens)]}", **_json_headers()}
        return "POST", path, headers, body

    return attempt


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _json_headers() -> dict:
    return {"Content-Type": "application/json"}
