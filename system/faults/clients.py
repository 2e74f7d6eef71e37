"""Members using the app while a service fails: each signs in with a session, logs days
through the API (every day written once, so an acknowledged write can be checked against
its row) and reads the pages and endpoints members poll. Everything is tallied."""

import datetime as dt
import itertools
import random
import threading
from collections import Counter
from dataclasses import dataclass, field

import requests

from system.faults.conftest import PASSWORD, Services

READS = [
    "/api/v1/me",
    "/api/v1/dashboard",
    "/api/v1/leaderboards/progress",
    "/api/v1/leaderboards/points",
    "/api/v1/leaderboards/progress/me",
    "/api/v1/notifications/unread-count",
    "/",
    "/leaderboards/",
    "/activity/",
]
TIMEOUT = 30  # seconds; a request never waits longer (the pool's own timeout is shorter)


def member_email(n: int) -> str:
    return f"member{n}@demo.cohort.example"


@dataclass
class Tally:
    """What the clients saw, shared by their threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # no answer at all (reset, timeout)
    bad: list = field(default_factory=list)  # (method, path, status, body): 5xx but 503
    unavailable: list = field(default_factory=list)  # (path, content type, body) of 503s
    acknowledged: dict = field(default_factory=dict)  # (email, day) -> steps answered 2xx
    attempted: int = 0

    def record(self, method: str, path: str, response: requests.Response | None, exc=None):
        with self.lock:
            if response is None:
                self.errors[type(exc).__name__] += 1
                return
            self.statuses[response.status_code] += 1
            if response.status_code == 503:
                kind = response.headers.get("Content-Type", "")
                self.unavailable.append((path, kind, response.text[:200]))
            elif response.status_code >= 500:
                self.bad.append((method, path, response.status_code, response.text[:200]))

    def count(self, status: int) -> int:
        return self.statuses[status]

    def summary(self) -> str:
        return (
            f"requests by status {dict(sorted(self.statuses.items()))}, no answer "
            f"{dict(self.errors)}, writes attempted {self.attempted}, acknowledged "
            f"{len(self.acknowledged)}"
        )


class Member:
    """One signed-in member: a requests session holding the session and CSRF cookies."""

    def __init__(self, services: Services, n: int, tally: Tally):
        self.services, self.email, self.tally = services, member_email(n), tally
        self.http = requests.Session()

    def sign_in(self) -> requests.Response | None:
        response = self.call(
            "POST", "/api/v1/auth/login", json={"email": self.email, "password": PASSWORD}
        )
        return response

    def call(self, method: str, path: str, **kwargs) -> requests.Response | None:
        headers = kwargs.pop("headers", {})
        token = self.http.cookies.get("csrftoken")
        if token and method != "GET":
            headers["X-CSRFToken"] = token
        try:
            response = self.http.request(
                method, self.services.url(path), headers=headers, timeout=TIMEOUT, **kwargs
            )
        except requests.RequestException as exc:
            self.tally.record(method, path, None, exc)
            return None
        self.tally.record(method, path, response)
        return response

    def log_day(self, day: dt.date, steps: int) -> bool:
        with self.tally.lock:
            self.tally.attempted += 1
        response = self.call("PUT", f"/api/v1/activity/{day}", json={"steps": steps})
        if response is not None and 200 <= response.status_code < 300:
            with self.tally.lock:
                self.tally.acknowledged[(self.email, day)] = steps
            return True
        return False


def days_to_write() -> list[dt.date]:
    """Days inside the seeded path and the edit window, whatever the members' time zones."""
    today = dt.datetime.now(dt.UTC).date()
    return [today - dt.timedelta(days=d) for d in range(2, 29)]


class Crowd:
    """`threads` clients, each with its own members, writing and reading until stopped."""

    def __init__(self, services: Services, tally: Tally, members: list[int], threads: int):
        self.services, self.tally, self.stop = services, tally, threading.Event()
        self.members = [Member(services, n, tally) for n in members]
        self.threads = [
            threading.Thread(target=self._run, args=(self.members[i::threads], i), daemon=True)
            for i in range(threads)
        ]

    def sign_in_all(self) -> None:
        for member in self.members:
            response = member.sign_in()
            assert response is not None and response.status_code == 200, response  # noqa: S101

    def _run(self, members: list[Member], seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311 (test data)
        keys = [(m, day) for m in members for day in days_to_write()]
        rng.shuffle(keys)
        reads = itertools.cycle(READS)
        for member, day in keys:
            if self.stop.is_set():
                return
            # Steps ending in 777: never a value the seed wrote, so a found row is ours.
            member.log_day(day, rng.randint(1, 30) * 1000 + 777)
            for _ in range(2):
                rng.choice(members).call("GET", next(reads))

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def writes_found(services: Services, acknowledged: dict) -> int:
    """How many acknowledged writes are in the database with the acknowledged steps."""
    rows = services.sql(
        "SELECT u.email, a.date, a.steps FROM activity_dailyactivity a "
        "JOIN accounts_user u ON u.id = a.user_id WHERE MOD(a.steps, 1000) = 777"
    )
    stored = {(email, day): steps for email, day, steps in rows}
    return sum(1 for key, steps in acknowledged.items() if stored.get(key) == steps)
