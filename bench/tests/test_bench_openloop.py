"""bench/load/openloop.py measures from each request's scheduled time (no coordinated omission)."""

import threading
import time
from collections import Counter
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


def test_the_open_mix_lays_out_each_members_asks_at_their_periods():
    import mixopen

    context = {"today": "2026-12-03", "sessions": ["s1", "s2"], "tokens": ["t1", "t2"]}
    asks = mixopen.schedule(context, users=200, seconds=60)

    kinds = Counter(kind for _, kind, _ in asks)
    assert kinds["poll: unread badge"] == 200 * 2  # every 30 s, from a random phase
    assert sum(n for kind, n in kinds.items() if kind.startswith("page: ")) == 200 * 3
    assert 10 < kinds["steps: log"] < 80  # about one in 5 minutes each: 40 expected
    assert [due for due, _, _ in asks] == sorted(due for due, _, _ in asks)
    assert all(0 <= due < 60 for due, _, _ in asks)


def test_a_schedule_is_sent_on_time_and_counted_by_kind(slow_server):
    from openloop import run_schedule

    asks = [(0.0, "fine", ("GET", "/", {}, None)), (0.1, "broken", ("GET", "/broken", {}, None))]
    outcomes = run_schedule(slow_server, asks, seconds=0.2)

    assert outcomes["fine"].errors == 0 and outcomes["broken"].errors == 1
    assert len(outcomes["Aggregated"].latencies) == 2 and outcomes["Aggregated"].errors == 1
    # one at a time, 0.2 s each: the second waits for the first, from its own due time
    assert outcomes["broken"].latencies[0] >= SERVICE_SECONDS * 1000 * 1.4
