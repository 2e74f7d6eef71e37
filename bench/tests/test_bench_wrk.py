"""bench/load/wrk.py replays a scenario's requests through wrk: every made request is sent
(its method, path, headers and body intact), and a broken request list is an error, not a run of
`GET /` (wrk's own request when the script fails to load)."""

import shutil
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import wrk

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")


class _Recorder(BaseHTTPRequestHandler):
    seen: Counter = Counter()
    lock = threading.Lock()
    protocol_version = "HTTP/1.1"

    def do_PUT(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.lock:
            self.seen[(self.path, self.headers["Authorization"], body)] += 1
        status = 404 if self.path.endswith("missing") else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    _Recorder.seen = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_every_write_is_sent_with_its_own_member_and_day(recorder):
    context = {"write_tokens": [f"token-{k}" for k in range(120)], "today": "2026-12-03"}
    row = wrk.run(recorder, "activity_upsert", context, connections=4, seconds=2)

    made = len(context["write_tokens"]) * 5 // 6
    assert len(_Recorder.seen) == made  # all of them, and nothing else
    path, auth, body = next(iter(_Recorder.seen))
    assert path.startswith("/api/v1/activity/2026-") and auth.startswith("Bearer token-")
    assert body.startswith(b'{"steps": ')
    assert row["requests"] >= made and row["errors"] == 0 and row["rps"] > 0
    assert 0 < row["p50"] <= row["p95"] <= row["p99"]


def test_a_script_that_does_not_load_gives_no_figures(recorder, monkeypatch):
    monkeypatch.setattr(wrk, "_lua_string", lambda text: "[[" + text)  # unclosed
    with pytest.raises(SystemExit, match="wrk gave no figures"):
        wrk.run(recorder, "activity_upsert", {"write_tokens": ["t"] * 12, "today": "2026-12-03"},
                connections=2, seconds=1)  # fmt: skip
