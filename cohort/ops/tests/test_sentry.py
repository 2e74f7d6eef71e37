"""With SENTRY_DSN set, an error in a view reaches Sentry (here, a local HTTP server)."""

import gzip
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import path

from cohort.core.testing import python_run
from config import sentry

BOOM = "sentry delivery test: the view failed"


def _boom(request):
    raise RuntimeError(BOOM)


# The subprocess below serves this module as its URLconf.
urlpatterns = [path("boom/", _boom)]

_CHILD = """
import django
django.setup()
from django.test import Client, override_settings
from django.test.utils import setup_test_environment
import sentry_sdk

setup_test_environment()
with override_settings(ROOT_URLCONF="cohort.ops.tests.test_sentry"):
    print(Client(raise_request_exception=False).get("/boom/").status_code)
sentry_sdk.flush(timeout=10)
"""


class _SentryStandIn(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            import brotli

            body = brotli.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    _SentryStandIn.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SentryStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _events(received) -> list[dict]:
    """The error events in the envelopes received (each envelope: JSON lines)."""
    return [
        json.loads(line)
        for _, body in received
        for line in body.splitlines()
        if line.startswith(b"{") and b'"exception"' in line
    ]


def test_an_error_in_a_view_is_sent_to_the_dsn(sentry_server, tmp_path):
    port = sentry_server.server_address[1]
    environ = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
        and not name.startswith("SENTRY_")
    }
    environ.update(
        SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/42",
        SENTRY_ENVIRONMENT="test",
        COHORT_VAR_DIR=str(tmp_path),  # the embedded default; the view runs no query
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    child = python_run(["-c", _CHILD], environ)
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "500"
    assert {path for path, _ in _SentryStandIn.received} == {"/api/42/envelope/"}
    [event] = _events(_SentryStandIn.received)
    [exception] = event["exception"]["values"]
    assert (exception["type"], exception["value"]) == ("RuntimeError", BOOM)
    assert event["environment"] == "test"
    assert event["transaction"] == "/boom/"
    assert {"django", "celery"} <= set(event["sdk"]["integrations"])
    assert "cookies" not in event.get("request", {})  # no personal data


def test_nothing_starts_without_a_dsn(monkeypatch):
    import sentry_sdk

    monkeypatch.delenv("SENTRY_DSN", raising=False)
    monkeypatch.delenv("SENTRY_DSN_FILE", raising=False)
    assert sentry.sentry_configure() is False
    assert django_settings.SENTRY_ENABLED is False
    assert not sentry_sdk.get_client().is_active()


@pytest.mark.parametrize("rate", ["fast", "1.5", "-0.1"])
def test_a_malformed_sample_rate_is_refused(monkeypatch, rate):
    monkeypatch.setenv("SENTRY_TRACES_SAMPLE_RATE", rate)
    with pytest.raises(ImproperlyConfigured, match="SENTRY_TRACES_SAMPLE_RATE"):
        sentry._sample_rate("SENTRY_TRACES_SAMPLE_RATE")
