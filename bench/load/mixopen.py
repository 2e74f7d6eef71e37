"""The realistic mix, open loop: the same members in browsers as bench/load/mix.py (each
polls the unread badge every 30 s, opens the dashboard, the leaderboards or the map every
20 s, logs a day's steps about every 5 minutes), but every member's asks are due at fixed
times laid out in advance and sent then, whatever the server has done with the earlier ones
(bench/load/openloop.py): a slow answer does not delay the member's next ask, as it did in
locust's closed loop, and one asyncio process takes a fraction of a core for about 174 asks a
second where locust took most of one.

    .venv/bin/python bench/load/mixopen.py --url URL --context FILE [--users 2000] [--seconds 60]
"""

import argparse
import datetime as dt
import json
import random

from openloop import run_schedule
from scenarios import (
    EDIT_DAYS,
    MIX_PAGE_SECONDS,
    MIX_PAGES,
    MIX_POLL_SECONDS,
    MIX_STEPS_MEAN_SECONDS,
    Request,
    context_load,
)


def schedule(context: dict, users: int, seconds: float, seed: int = 1
             ) -> list[tuple[float, str, Request]]:  # fmt: skip
    """Every ask of `users` members over `seconds`: (due second, kind, request), in order.
    Member n has the session and token of the context's nth (the first of each kind due at a
    random moment of its period, so the members spread out)."""
    today = dt.date.fromisoformat(context["today"])
    sessions, tokens = context["sessions"], context["tokens"]
    asks: list[tuple[float, str, Request]] = []
    for n in range(users):
        rng = random.Random(seed * 1_000_003 + n)
        cookie = {"Cookie": f"sessionid={sessions[n % len(sessions)]}"}
        token = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
        poll = ("GET", "/notifications/badge/", {**cookie, "HX-Request": "true"}, None)
        due = rng.uniform(0, MIX_POLL_SECONDS)
        while due < seconds:
            asks.append((due, "poll: unread badge", poll))
            due += MIX_POLL_SECONDS
        due = rng.uniform(0, MIX_PAGE_SECONDS)
        while due < seconds:
            path = rng.choice(list(MIX_PAGES))
            asks.append((due, MIX_PAGES[path], ("GET", path, cookie, None)))
            due += MIX_PAGE_SECONDS
        due = rng.expovariate(1 / MIX_STEPS_MEAN_SECONDS)
        while due < seconds:
            day = today - dt.timedelta(days=rng.randrange(1, EDIT_DAYS + 1))
            body = json.dumps({"steps": rng.randrange(2_000, 15_000)}).encode()
            headers = {**token, "Content-Type": "application/json"}
            path = f"/api/v1/activity/{day.isoformat()}"
            asks.append((due, "steps: log", ("PUT", path, headers, body)))
            due += rng.expovariate(1 / MIX_STEPS_MEAN_SECONDS)
    asks.sort(key=lambda ask: ask[0])
    return asks


def run(url: str, context: dict, users: int, seconds: float) -> dict:
    """{kind: figures} and "Aggregated", each with the generator's CPU share, as the
    report's mix table reads them."""
    outcomes = run_schedule(url, schedule(context, users, seconds), seconds=seconds)
    return {kind: outcome.summary() for kind, outcome in sorted(outcomes.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8010")
    parser.add_argument("--context", required=True)
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    rows = run(args.url, context_load(args.context), args.users, args.seconds)
    print(json.dumps(rows, indent=2, default=str))


if __name__ == "__main__":
    main()
