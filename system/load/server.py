"""A real multi-process server for the load tests: gunicorn (gthread workers) serving the
test database and the test Redis in a subprocess of its own, stopped with its whole
process group when the test ends."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import requests
from django.conf import settings
from django.db import connection

PORTS = range(8041, 8050)  # this suite's ports; never another engineer's


def free_port() -> int:
    for port in PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def _database_url() -> str:
    """The test database (pytest-django's test_... name) as a URL for the server."""
    db = connection.settings_dict
    auth = quote(db["USER"], safe="") + (
        f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    )
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def server_environ(port: int, **extra: str) -> dict[str, str]:
    """This process's environment pointed at the test database and Redis (or none)."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if name not in {"REDIS_URL", "CELERY_BROKER_URL", "SENTRY_DSN", "TEST_NOW"}
    }
    environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=_database_url(),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        DB_POOL_MAX_SIZE="4",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if settings.REDIS_URL:
        environ["REDIS_URL"] = settings.REDIS_URL
    environ.update(extra)
    return environ


@dataclass
class Server:
    base: str  # http://127.0.0.1:<port>
    process: subprocess.Popen
    log: Path

    def wait_until_live(self) -> None:
        """Return once /health/live/ answers 200; raise with the log if it never does."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.logged()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.base}/health/live/", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)  # polling a process that is starting, not waiting on our own clock
        raise RuntimeError(f"gunicorn did not answer within 60 s:\n{self.logged()}")

    def logged(self, tail: int = 3000) -> str:
        return self.log.read_text()[-tail:]


@contextlib.contextmanager
def gunicorn(*, workers: int, threads: int, log: Path, **extra: str):
    """Start serving the app on a free port of this suite and yield the Server at once (its
    workers boot while the caller prepares data; call wait_until_live before the first
    request). `extra`: more environment variables for the server."""
    port = free_port()
    environ = server_environ(
        port, WEB_CONCURRENCY=str(workers), GUNICORN_THREADS=str(threads), **extra
    )
    gunicorn_bin = Path(sys.executable).with_name("gunicorn")
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn and arguments
            [str(gunicorn_bin), "system.load.wsgi:application", "-c", "config/gunicorn.conf.py"],
            cwd=settings.BASE_DIR,
            env=environ,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with every worker
        )
    try:
        yield Server(f"http://127.0.0.1:{port}", process, log)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
