"""Locust scenarios for bench/load_run.py: one endpoint per run, chosen by BENCH_ENDPOINT.
Each simulated user is one of the generated members (by a personal API token), asking the
endpoint again and again: as fast as it can (saturation), or at BENCH_USER_RATE requests a second
(a fixed offered rate across all users)."""

import os
import random
from pathlib import Path

from locust import HttpUser, between, constant_throughput, task

ENDPOINTS = {
    "floor": "/health/live/",
    "dashboard": "/api/v1/dashboard",
    "leaderboard": "/api/v1/leaderboards/progress",
    "leaderboard_groups": "/api/v1/leaderboards/groups",
    "my_rank": "/api/v1/leaderboards/progress/me",
    "leaderboard_points": "/api/v1/leaderboards/points",
    "my_rank_points": "/api/v1/leaderboards/points/me",
    "unread_count": "/api/v1/notifications/unread-count",
}
# Member boards: how many pages deep the scrolling half of the asks goes (100,000 members
# on the progress board, about 80,000 with points).
DEEP_PAGES = {"leaderboard": 2000, "leaderboard_points": 1600}
ENDPOINT = os.environ.get("BENCH_ENDPOINT", "floor")
RATE = float(os.environ.get("BENCH_USER_RATE", "0"))
TOKENS = (
    Path(os.environ["BENCH_TOKENS"]).read_text().split() if "BENCH_TOKENS" in os.environ else []
)


class Member(HttpUser):
    wait_time = constant_throughput(RATE) if RATE else between(0, 0)

    def on_start(self):
        if ENDPOINT != "floor":
            token = random.choice(TOKENS)
            self.client.headers["Authorization"] = f"Bearer {token}"

    @task
    def ask(self):
        path = ENDPOINTS[ENDPOINT]
        if ENDPOINT in DEEP_PAGES and random.random() < 0.5:
            # half the asks are for a deeper page, as people scroll
            start = random.randrange(0, DEEP_PAGES[ENDPOINT]) * 50
            self.client.get(f"{path}?cursor={_cursor(start)}", name=path)
            return
        self.client.get(path, name=path)


def _cursor(start: int) -> str:
    from base64 import urlsafe_b64encode

    return urlsafe_b64encode(f"start={start}".encode()).decode().rstrip("=")
