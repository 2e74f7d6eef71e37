"""The services the fault tests stop and start under a running app, all owned by them: a
Redis server on port 6391, a PostgreSQL cluster `cohortfaults` on port 5434 and gunicorn
(2 workers) on port 8031. Created once per session, always stopped and dropped at the end.

Needs root (pg_createcluster runs initdb as the postgres user), redis-server and Debian's
postgresql-common; the tests skip, saying which is missing, elsewhere.
"""

# Fixed command lines for the services these tests own; nothing comes from input.
# ruff: noqa: S603, S607

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
CLUSTER = "cohortfaults"
PG_PORT = 5434
REDIS_PORT = 6391
APP_PORT = 8031
DATABASE = "cohort_faults"
PASSWORD = "faults-walk-together-2026"  # the seeded groups' shared password (test data)
MEMBERS = 200  # ten groups of 20


def _pg_version() -> str | None:
    versions = sorted(
        (p.name for p in Path("/etc/postgresql").glob("*") if p.name.isdigit()), key=int
    )
    return versions[-1] if versions else None


def _skip_reason() -> str | None:
    if os.geteuid() != 0:
        return "fault tests need root to create and stop their own PostgreSQL cluster"
    for tool in ("redis-server", "redis-cli", "pg_createcluster", "pg_ctlcluster"):
        if shutil.which(tool) is None:
            return f"fault tests need {tool} (apt-get install redis-server postgresql)"
    if _pg_version() is None:
        return "fault tests need a PostgreSQL server installed (/etc/postgresql is empty)"
    for tool in ("gunicorn", "celery"):
        if not (BIN / tool).exists():
            return f"fault tests need {tool} in .venv"
    return None


def _wait(check, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


class Services:
    """The owned services, and the few things the tests do to them."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.pg_version = _pg_version()
        self.database_url = f"postgres://postgres@127.0.0.1:{PG_PORT}/{DATABASE}"
        self.redis_url = f"redis://127.0.0.1:{REDIS_PORT}/0"
        self.base_url = f"http://127.0.0.1:{APP_PORT}"
        self.gunicorn: subprocess.Popen | None = None
        self.cluster_created = False
        self.redis_started = False

    # --- environment ------------------------------------------------------------------
    def env(self, **extra: str) -> dict[str, str]:
        """The app's environment: only what the tests own, nothing of the caller's."""
        keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TZ"}}
        return {
            **keep,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(ROOT),
            "SECRET_KEY": "faults-" + "x" * 50,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "CACHE_KEY_PREFIX": "faults",
            "ACTIVITY_UPDATES_PER_MEMBER": "100000/m",
            "ACTIVITY_EDIT_WINDOW_DAYS": "40",
            "LOG_LEVEL": "WARNING",
            # Its own folder: the static files collected below, nothing of the checkout's var/.
            "COHORT_VAR_DIR": str(self.workdir / "var"),
            **extra,
        }

    def manage(self, *args: str, timeout: float = 300, **env: str) -> str:
        done = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    # --- Redis ------------------------------------------------------------------------
    def redis_start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port", str(REDIS_PORT),
                "--bind", "127.0.0.1",
                "--daemonize", "yes",
                "--save", "",
                "--appendonly", "no",
                "--pidfile", str(self.workdir / "redis.pid"),
                "--dir", str(self.workdir),
                "--logfile", str(self.workdir / "redis.log"),
            ],
            check=True,
            timeout=10,
        )  # fmt: skip
        self.redis_started = True
        _wait(self.redis_ping, "redis-server to answer")

    def redis_ping(self) -> bool:
        done = subprocess.run(
            ["redis-cli", "-p", str(REDIS_PORT), "ping"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        return done.stdout.strip() == "PONG"

    def redis_stop(self) -> None:
        """Stop our Redis; it keeps nothing on disk, so it comes back empty."""
        subprocess.run(
            ["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"],
            capture_output=True,
            timeout=10,
            check=False,
        )
        _wait(lambda: not self.redis_ping(), "redis-server to stop")

    # --- PostgreSQL ---------------------------------------------------------------------
    def pg(self, action: str) -> None:
        """pg_ctlcluster start | stop | restart on our cluster only."""
        subprocess.run(
            ["pg_ctlcluster", self.pg_version, CLUSTER, action, "-m", "fast"]
            if action != "start"
            else ["pg_ctlcluster", self.pg_version, CLUSTER, "start"],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def pg_create(self) -> None:
        self._pg_drop()  # a cluster left over by an interrupted run
        subprocess.run(
            ["pg_createcluster", self.pg_version, CLUSTER, "-p", str(PG_PORT),
             "-o", "max_connections=100", "--", "--auth=trust"],
            check=True,
            capture_output=True,
            timeout=120,
        )  # fmt: skip
        self.cluster_created = True
        self.pg("start")
        _wait(lambda: self.sql_value("SELECT 1", dbname="postgres") == 1, "PostgreSQL")
        self.sql(f"CREATE DATABASE {DATABASE}", dbname="postgres")

    def _pg_drop(self) -> None:
        subprocess.run(
            ["pg_dropcluster", "--stop", self.pg_version, CLUSTER],
            capture_output=True,
            timeout=120,
            check=False,
        )

    def connect(self, dbname: str = DATABASE):
        import psycopg

        return psycopg.connect(
            host="127.0.0.1", port=PG_PORT, user="postgres", dbname=dbname,
            autocommit=True, connect_timeout=5,
        )  # fmt: skip

    def sql(self, query: str, params=None, dbname: str = DATABASE) -> list[tuple]:
        with self.connect(dbname) as conn, conn.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def sql_value(self, query: str, params=None, dbname: str = DATABASE):
        return self.sql(query, params, dbname)[0][0]

    # --- the app --------------------------------------------------------------------------
    def gunicorn_start(self) -> None:
        log = open(self.workdir / "gunicorn.log", "ab")  # noqa: SIM115 (lives with the server)
        self.gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi", "-c", "config/gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env(PORT=str(APP_PORT), WEB_CONCURRENCY="2", GUNICORN_THREADS="4"),
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        _wait(
            lambda: requests.get(self.url("/health/live/"), timeout=2).status_code == 200,
            "gunicorn",
            60,
        )

    def gunicorn_stop(self) -> None:
        if self.gunicorn is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.gunicorn.pid, signal.SIGTERM)
        try:
            self.gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.gunicorn.pid, signal.SIGKILL)
            self.gunicorn.wait(timeout=10)
        self.gunicorn = None

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_tail(self, name: str = "gunicorn.log", size: int = 4000) -> str:
        path = self.workdir / name
        return path.read_text(errors="replace")[-size:] if path.exists() else ""

    def teardown(self) -> None:
        errors = []
        for step in (self.gunicorn_stop, self._redis_teardown, self._pg_teardown):
            try:
                step()
            except Exception as exc:  # keep tearing down the rest
                errors.append(f"{step.__name__}: {exc!r}")
        if errors:
            print("fault services teardown:", errors, file=sys.stderr)

    def _redis_teardown(self) -> None:
        if self.redis_started and self.redis_ping():
            self.redis_stop()

    def _pg_teardown(self) -> None:
        if self.cluster_created:
            self._pg_drop()


@pytest.fixture(scope="session")
def services(tmp_path_factory):
    """The owner of everything below: whatever was started is stopped, even on failure."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    taken = subprocess.run(
        ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, check=False, timeout=5
    )
    if taken.stdout.strip() == b"PONG":
        pytest.skip(
            f"port {REDIS_PORT} is taken: another fault run, or one killed before its "
            f"teardown (then: redis-cli -p {REDIS_PORT} shutdown nosave; pg_dropcluster --stop "
            f"{_pg_version()} {CLUSTER})"
        )
    owned = Services(tmp_path_factory.mktemp("faults"))
    os.chmod(owned.workdir, 0o755)  # noqa: S103 (redis-server writes its log here)
    try:
        yield owned
    finally:
        owned.teardown()


@pytest.fixture(scope="session")
def redis_server(services):
    services.redis_start()
    return services


@pytest.fixture(scope="session")
def faults(redis_server):
    """Redis, a PostgreSQL cluster with a migrated and seeded database, and gunicorn."""
    services = redis_server
    services.pg_create()
    services.manage("migrate", "--noinput")
    services.manage("collectstatic", "--noinput", "--verbosity", "0")  # as a deploy does
    services.manage(
        "seed_demo", "--members", str(MEMBERS), "--password", PASSWORD, "--allow-production"
    )
    services.gunicorn_start()
    return services


@pytest.fixture
def app_up(faults):
    """Every test starts with every service up, whatever the previous one left."""
    if not faults.redis_ping():
        faults.redis_start()
    try:
        faults.sql_value("SELECT 1")
    except Exception:
        faults.pg("start")
        _wait(lambda: faults.sql_value("SELECT 1") == 1, "PostgreSQL")
    return faults
