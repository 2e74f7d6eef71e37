"""A real local HTTP server that answers like LeetCode's GraphQL endpoint: per username a
set of submission days and an "About me" text, and a script of misbehaviours."""

import contextlib
import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UNKNOWN = {"data": {"matchedUser": None}, "errors": [{"message": "That user does not exist."}]}


def _stamp(day: dt.date) -> str:
    return str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()))


class FakeLeetCode:
    def __init__(self):
        self.days: dict[str, set[dt.date]] = {}
        self.about: dict[str, str] = {}  # a profile's "About me" (summary); a user on its own
        self.script: dict[str, list[str]] = {}  # misbehaviours in turn; the last one stays
        self.seen: list[tuple[str, float]] = []  # (username, monotonic time) per request
        self.release = threading.Event()  # ends a "slow" answer's wait at teardown
        self.lock = threading.Lock()

    def requests_for(self, username: str) -> int:
        return sum(1 for name, _ in self.seen if name == username)

    def answer(self, variables: dict) -> tuple[int, bytes]:
        username = variables["username"]
        with self.lock:
            self.seen.append((username, time.monotonic()))
            script = self.script.get(username, [])
            behaviour = (script.pop(0) if len(script) > 1 else script[0]) if script else "ok"
        if behaviour == "500":
            return 500, b"<html>Internal Server Error</html>"
        if behaviour == "slow":
            self.release.wait(5)
        if behaviour == "not-json":
            return 200, b'{"data": {"matchedUser": '
        if behaviour == "bad-calendar":
            calendar = {"submissionCalendar": "[1, 2"}
            return 200, json.dumps({"data": {"matchedUser": {"thisYear": calendar}}}).encode()
        if username not in self.days:
            return 200, json.dumps(UNKNOWN).encode()
        years = {"thisYear": variables["year"], "lastYear": variables["previousYear"]}
        user = {alias: self._calendar(username, year) for alias, year in years.items()}
        return 200, json.dumps({"data": {"matchedUser": user}}).encode()

    def profile(self, variables: dict) -> tuple[int, bytes]:
        """matchedUser { profile { aboutMe } }, with the same script of misbehaviours."""
        username = variables["username"]
        with self.lock:
            self.seen.append((username, time.monotonic()))
            script = self.script.get(username, [])
            behaviour = (script.pop(0) if len(script) > 1 else script[0]) if script else "ok"
        if behaviour == "500":
            return 500, b"<html>Internal Server Error</html>"
        if behaviour == "not-json":
            return 200, b'{"data": {"matchedUser": '
        if username not in self.days and username not in self.about:
            return 200, json.dumps(UNKNOWN).encode()
        profile = {"aboutMe": self.about.get(username, ""), "realName": username}
        return 200, json.dumps({"data": {"matchedUser": {"profile": profile}}}).encode()

    def _calendar(self, username: str, year: int) -> dict:
        counts = {_stamp(d): 3 for d in self.days[username] if d.year == year}
        # LeetCode's own "streak" field is never trusted: it is absurd here on purpose.
        return {"submissionCalendar": json.dumps(counts), "streak": 999, "totalActiveDays": 999}


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert self.path == "/graphql"
        if "profile { aboutMe }" in body["query"]:
            status, payload = self.server.fake.profile(body["variables"])
        else:
            assert "userCalendar(year: $year)" in body["query"]
            status, payload = self.server.fake.answer(body["variables"])
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a slow answer's client has gone away: a broken pipe is expected


@contextlib.contextmanager
def fake_leetcode(settings):
    """The fake on a free port, with the settings pointing the client at it."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = FakeLeetCode()
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    settings.LEETCODE_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.LEETCODE_TIMEOUT_SECONDS = 1
    settings.LEETCODE_RETRIES = 2
    settings.LEETCODE_REQUESTS_PER_SECOND = 1000
    try:
        yield server.fake
    finally:
        server.fake.release.set()
        server.shutdown()
        server.server_close()
