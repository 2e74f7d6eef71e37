"""The load test's clients: one thread per member, each with its own HTTP session (a bearer
token, or the session cookie with CSRF), running a plan fixed in advance by a seeded random
generator: upserts of several days (the same day again with new values), bad input, and
reads of the pages members poll. Every answer is recorded; nothing is asserted here."""

import datetime as dt
import json
import random
import threading
from collections import Counter
from dataclasses import dataclass, field

import requests

TIMEOUT = 60  # seconds; a slow answer on a busy 2-core machine is not a failure


@dataclass(frozen=True)
class Member:
    """What a client thread knows of its member: plain values, no ORM objects."""

    id: int
    email: str
    password: str
    token: str | None  # None: signs in and uses the session cookie with CSRF
    days: tuple[dt.date, ...]  # the member's own last days, oldest first; the last is today


@dataclass
class Write:
    user_id: int
    day: dt.date
    steps: int
    outcome: str  # "ack" (2xx), "refused" (4xx), "unknown" (no answer)
    status: int | None
    echoed: int | None = None  # the steps the 2xx answer says were stored


@dataclass
class Tally:
    """Everything the clients saw, shared by the threads under one lock."""

    statuses: Counter = field(default_factory=Counter)
    writes: list[Write] = field(default_factory=list)
    reads: int = 0
    bad_inputs: int = 0
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, response: requests.Response | None, what: str) -> None:
        with self.lock:
            self.statuses[response.status_code if response is not None else "no answer"] += 1
            if response is None:
                self.problems.append(f"{what}: no answer")
            elif response.status_code >= 500:
                self.problems.append(f"{what}: {response.status_code} {response.text[:200]}")

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())


def _bad_inputs(member: Member) -> list[tuple[str, str, object, set[int]]]:
    """(method, path, body, statuses expected): each must be a 4xx with {"detail": ...}."""
    today = member.days[-1]
    put = f"/api/v1/activity/{today}"
    return [
        ("PUT", "/api/v1/activity/2026-02-30", {"steps": 10}, {422}),
        ("PUT", f"/api/v1/activity/{today + dt.timedelta(days=2)}", {"steps": 10}, {422}),
        ("PUT", f"/api/v1/activity/{today - dt.timedelta(days=30)}", {"steps": 10}, {422}),
        ("PUT", "/api/v1/activity/yesterday", {"steps": 10}, {422}),
        ("PUT", put, {"steps": -5}, {422}),
        ("PUT", put, {"steps": 999_999}, {422}),
        ("PUT", put, {"steps": "many"}, {422}),
        ("PUT", put, {}, {422}),
        ("PUT", put, '{"steps": ', {400, 422}),
        ("GET", "/api/v1/leaderboards/fastest", None, {404}),
        ("GET", "/api/v1/leaderboards/progress?cursor=not-a-cursor", None, {422}),
        ("GET", "/api/v1/dashboard?order=shoe-size", None, {422}),
        # A token may not mark read at all: refused for its scope before the input is read.
        (
            "POST",
            "/api/v1/notifications/read",
            {"ids": [1], "all": True},
            {403} if member.token else {422},
        ),
    ]


_READS = (
    "/api/v1/dashboard",
    "/api/v1/leaderboards/progress",
    "/api/v1/leaderboards/progress/me",
    "/api/v1/leaderboards/points",
    "/api/v1/leaderboards/points/me",
    "/api/v1/leaderboards/groups",
    "/api/v1/notifications/unread-count",
    "/api/v1/notifications",
    "/api/v1/me",
    "mark-one-read",
)
_PAGES = ("/", "/leaderboards/")  # the HTML pages, for the clients signed in by session


def plan(member: Member, seed: int) -> list[tuple]:
    """The member's actions, fixed by the seed: writes to most of their days (1 or 2 each,
    new values each time, a few far above the flag threshold), three bad inputs, every read
    once and a few more, and for some members "mark all read"; shuffled together."""
    rng = random.Random(seed)  # noqa: S311 - a test plan, not a secret
    actions: list[tuple] = []
    for day in rng.sample(member.days, k=rng.randint(len(member.days) - 3, len(member.days))):
        previous = None
        for _ in range(rng.randint(1, 2)):
            steps = rng.choice([0, rng.randint(1, 30_000), rng.randint(1, 30_000)])
            if rng.random() < 0.08:
                steps = rng.randint(40_001, 90_000)  # accepted but flagged for review
            steps = steps + 1 if steps == previous else steps
            actions.append(("write", day, steps))
            previous = steps
    actions += [("bad", choice) for choice in rng.sample(_bad_inputs(member), k=3)]
    if member.token is None:
        actions.append(("no-csrf", member.days[-1], 1))
        actions += [("read", page) for page in _PAGES]
    reads = list(_READS) + rng.choices(_READS, k=3)
    actions += [("read", path) for path in reads]
    if rng.random() < 0.4:
        actions.append(("read", "mark-all-read"))
    rng.shuffle(actions)
    return actions


class Client:
    """One member's HTTP client against the server at `base`."""

    def __init__(self, base: str, member: Member, tally: Tally):
        self.base, self.member, self.tally = base, member, tally
        self.http = requests.Session()
        self.csrf = ""
        if member.token:
            self.http.headers["Authorization"] = f"Bearer {member.token}"

    def _send(self, method: str, path: str, what: str, **kwargs) -> requests.Response | None:
        headers = kwargs.pop("headers", {})
        if self.csrf and method != "GET":
            headers.setdefault("X-CSRFToken", self.csrf)
        try:
            response = self.http.request(
                method, self.base + path, timeout=TIMEOUT, headers=headers, **kwargs
            )
        except requests.RequestException as exc:
            self.tally.saw(None, f"{what} {type(exc).__name__}")
            return None
        self.tally.saw(response, f"{method} {path}")
        return response

    def sign_in(self) -> bool:
        """Session clients: sign in with the group password, then fetch a page for the CSRF
        cookie if sign-in did not set it."""
        if self.member.token:
            return True
        body = {"email": self.member.email, "password": self.member.password}
        signed = self._send("POST", "/api/v1/auth/login", "sign-in", json=body)
        if signed is None or signed.status_code != 200:
            self.tally.problem(f"sign-in of {self.member.email}: {signed and signed.status_code}")
            return False
        if "csrftoken" not in self.http.cookies:
            self._send("GET", "/", "csrf page")
        self.csrf = self.http.cookies.get("csrftoken", "")
        return bool(self.csrf)

    def run(self, actions: list[tuple]) -> None:
        if not self.sign_in():
            return
        for action in actions:
            getattr(self, "_" + action[0].replace("-", "_"))(*action[1:])

    def _write(self, day: dt.date, steps: int) -> None:
        response = self._send("PUT", f"/api/v1/activity/{day}", "write", json={"steps": steps})
        write = Write(self.member.id, day, steps, "unknown", None)
        if response is not None:
            write.status = response.status_code
            write.outcome = "ack" if response.status_code < 300 else "refused"
            if write.outcome == "ack":
                write.echoed = response.json().get("steps")
            else:
                self.tally.problem(f"a valid write refused: {day} {steps} {response.text[:200]}")
        with self.tally.lock:
            self.tally.writes.append(write)

    def _no_csrf(self, day: dt.date, steps: int) -> None:
        """A session write without the CSRF header: refused, nothing written."""
        response = self._send(
            "PUT",
            f"/api/v1/activity/{day}",
            "no csrf",
            json={"steps": steps},
            headers={"X-CSRFToken": ""},
        )
        self._expect_detail(response, {403}, "a write without CSRF")
        with self.tally.lock:
            self.tally.writes.append(
                Write(self.member.id, day, steps, "refused", response and response.status_code)
            )

    def _bad(self, choice: tuple) -> None:
        method, path, body, expected = choice
        if isinstance(body, str):
            kwargs = {"data": body, "headers": {"Content-Type": "application/json"}}
        else:
            kwargs = {"json": body} if body is not None else {}
        response = self._send(method, path, "bad input", **kwargs)
        with self.tally.lock:
            self.tally.bad_inputs += 1
        self._expect_detail(response, expected, f"{method} {path} {body!r}")

    def _expect_detail(self, response, expected: set[int], what: str) -> None:
        if response is None:
            return
        try:
            detail = "detail" in response.json()
        except json.JSONDecodeError:
            detail = False
        if response.status_code not in expected or not detail:
            self.tally.problem(f"{what}: {response.status_code} {response.text[:200]}")

    def _read(self, path: str) -> None:
        with self.tally.lock:
            self.tally.reads += 1
        if path == "mark-one-read":
            self._mark_one_read()
            return
        if path == "mark-all-read":
            response = self._send("POST", "/api/v1/notifications/read", "read", json={"all": True})
            self._expect_marked(response, path)
            return
        response = self._send("GET", path, "read")
        if response is not None and response.status_code != 200:
            self.tally.problem(f"read {path}: {response.status_code} {response.text[:200]}")

    def _expect_marked(self, response, what: str) -> None:
        """Marking read is a session's write: a token (whatever its scope) is refused, 403."""
        if self.member.token is None:
            if response is not None and response.status_code != 200:
                self.tally.problem(f"{what}: {response.status_code} {response.text[:200]}")
        else:
            self._expect_detail(response, {403}, f"{what} by token")

    def _mark_one_read(self) -> None:
        listed = self._send("GET", "/api/v1/notifications?unread=true", "read")
        if listed is None or listed.status_code != 200:
            self.tally.problem(f"unread list: {listed and listed.status_code}")
            return
        ids = [row["id"] for row in listed.json()["results"][:1]]
        if ids:
            marked = self._send("POST", "/api/v1/notifications/read", "read", json={"ids": ids})
            self._expect_marked(marked, "mark read")


def run_clients(base: str, members: list[Member], seed: int) -> Tally:
    """Every member's plan at once, one thread each, released together."""
    tally = Tally()
    barrier = threading.Barrier(len(members))
    plans = [plan(member, seed * 1000 + n) for n, member in enumerate(members)]

    def run(member: Member, actions: list[tuple]) -> None:
        try:
            barrier.wait()
            Client(base, member, tally).run(actions)
        except Exception as exc:  # a client bug must fail the test, not vanish in a thread
            tally.problem(f"client of {member.email} crashed: {exc!r}")

    threads = [threading.Thread(target=run, args=pair) for pair in zip(members, plans, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally
