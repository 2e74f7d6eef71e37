"""bench/load/openloop.py measures from each request's scheduled time (no coordinated omission)."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from openloop import run_closed, run_open

SERVICE_SECONDS = 0.2  # the toy server answers one request at a time, each taking this long


class _Slow(BaseHTTPRequestHandler):
    lock = threading.Lock()

    def do_GET(self):  # noqa: N802 (http.server's name)
        with self.lock:
            time.sleep(SERVICE_SECONDS)
        status = 500 if self.path == "/broken" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _ask(path):
    return lambda rng: ("GET", path, {}, None)


def test_open_loop_keeps_its_schedule_when_the_server_falls_behind(slow_server):
    # 20 requests offered at 20 a second to a server that serves 5 a second: a closed loop
    # would wait for each answer and report about 0.2 s each; the open loop sends them all
    # on time, so the last ones wait behind the queue and say so.
    outcome = run_open(slow_server, _ask("/"), rate=20, seconds=1, timeout=30)
    summary = outcome.summary()
    assert summary["requests"] == 20
    assert summary["errors"] == 0
    # The 19th in the queue waited for 18 others before its own service: at least 3.8 s
    # after its due time, minus the 0.9 s between its due time and the first's.
    assert summary["p95"] >= (19 * SERVICE_SECONDS - 0.95) * 1000
    assert max(outcome.latencies) >= (20 * SERVICE_SECONDS - 1.0) * 1000


def test_closed_loop_waits_for_each_answer(slow_server):
    outcome = run_closed(slow_server, _ask("/"), connections=1, seconds=0.5)
    assert 1 <= outcome.summary()["requests"] <= 4
    assert min(outcome.latencies) >= SERVICE_SECONDS * 1000


def test_counts_error_statuses(slow_server):
    summary = run_open(slow_server, _ask("/broken"), rate=10, seconds=0.3).summary()
    assert summary["errors"] == summary["requests"] == 3
    assert summary["failures"] == {"HTTP 500": 3}


def test_refuses_other_hosts():
    with pytest.raises(SystemExit):
        run_open("http://example.com", _ask("/"), rate=1, seconds=1)


def test_open_loop_counts_from_the_due_time_even_when_sending_waits(slow_server):
    # One connection: each request waits in the client for the one before to finish. Timed
    # from when it actually went out, each would look like 0.2 s; timed from when it was
    # due, the wait shows.
    outcome = run_open(slow_server, _ask("/"), rate=20, seconds=1, connections=1)
    assert outcome.summary()["requests"] == 20
    assert max(outcome.latencies) >= (20 * SERVICE_SECONDS - 1.0) * 1000
