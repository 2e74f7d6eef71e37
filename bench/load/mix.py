"""Locust scenario for the realistic mix of bench/load/suite.py: each virtual user is one member
in a browser, signed in (a session made beforehand, in BENCH_CONTEXT's file), who

- polls the unread badge every 30 s (`GET /notifications/badge/` as htmx asks it),
- opens a page every 20 s: the dashboard, the leaderboards or the map, at random,
- logs a day's steps now and then (about every 5 minutes: `PUT /api/v1/activity/{day}`
  with their API token, as a phone would).

The first of each starts at a random moment in its period, so 2,000 users spread out.
"""

import datetime as dt
import itertools
import json
import random
import time

import gevent
from locust import FastHttpUser, constant, task
from scenarios import (
    EDIT_DAYS,
    MIX_PAGE_SECONDS,
    MIX_PAGES,
    MIX_POLL_SECONDS,
    MIX_STEPS_MEAN_SECONDS,
    context_load,
)

CONTEXT = context_load()
_next_member = itertools.count()


class Walker(FastHttpUser):
    wait_time = constant(0)
    connection_timeout = 30.0
    network_timeout = 30.0

    def on_start(self):
        n = next(_next_member) % len(CONTEXT["sessions"])
        self.rng = random.Random(n)
        self.cookie = {"Cookie": f"sessionid={CONTEXT['sessions'][n]}"}
        self.token = {"Authorization": f"Bearer {CONTEXT['tokens'][n % len(CONTEXT['tokens'])]}"}
        now = time.monotonic()
        self.due = {
            "poll": now + self.rng.uniform(0, MIX_POLL_SECONDS),
            "page": now + self.rng.uniform(0, MIX_PAGE_SECONDS),
            "steps": now + self.rng.expovariate(1 / MIX_STEPS_MEAN_SECONDS),
        }

    @task
    def next_thing(self):
        kind = min(self.due, key=self.due.get)
        wait = self.due[kind] - time.monotonic()
        if wait > 0:
            gevent.sleep(wait)
        if kind == "poll":
            headers = {**self.cookie, "HX-Request": "true"}
            self._get("/notifications/badge/", headers, "poll: unread badge")
            self.due[kind] += MIX_POLL_SECONDS
        elif kind == "page":
            path = self.rng.choice(list(MIX_PAGES))
            self._get(path, self.cookie, MIX_PAGES[path])
            self.due[kind] += MIX_PAGE_SECONDS
        else:
            self._log_steps()
            self.due[kind] += self.rng.expovariate(1 / MIX_STEPS_MEAN_SECONDS)

    def _get(self, path: str, headers: dict, name: str) -> None:
        """Only a 200 counts: an ended session would redirect to /login/ and look fine."""
        with self.client.get(path, headers=headers, name=name, allow_redirects=False,
                             catch_response=True) as answer:  # fmt: skip
            if answer.status_code != 200:
                answer.failure(f"HTTP {answer.status_code}")

    def _log_steps(self):
        today = dt.date.fromisoformat(CONTEXT["today"])
        day = today - dt.timedelta(days=self.rng.randrange(1, EDIT_DAYS + 1))
        body = json.dumps({"steps": self.rng.randrange(2_000, 15_000)})
        headers = {**self.token, "Content-Type": "application/json"}
        self.client.request("PUT", f"/api/v1/activity/{day.isoformat()}", headers=headers,
                            data=body, name="steps: log")  # fmt: skip
