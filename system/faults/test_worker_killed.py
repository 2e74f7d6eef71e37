"""A Celery worker killed (SIGKILL, the whole process group) in the middle of the nightly
job and of the seasons job: a rerun converges on exactly what one uninterrupted run gives
(a copy of the database taken before, run there without faults), with no duplicate points,
credits or notifications.

"In the middle" is made certain, not left to timing: the test holds row or table locks the
job needs half-way, waits until the worker's transaction is blocked on them, then kills it.
"""

# ruff: noqa: S101, S603, S607, T201

import contextlib
import os
import signal
import subprocess
from collections import Counter

import pytest

from system.faults.conftest import BIN, DATABASE, PG_PORT, REDIS_PORT, ROOT, _wait

REFERENCE = "cohort_faults_ref"
CHUNKS_BEFORE_KILL = 4  # the nightly job dies in its fifth chunk (one group per chunk)

# What each job derives, compared row for row (ids and timestamps left out).
NIGHTLY_TABLES = {
    "journeys_enrollment": "user_id, path_id, started_on, steps, distance, progress, "
    "current_milestone_id, notified_order, completed_at IS NULL",
    "activity_streak": "user_id, kind, current, longest, last_day",
    "competition_pointsentry": "user_id, season_id, category_id, points, reason, source_key",
    "competition_categorytotal": "user_id, season_id, category_id, points",
    "competition_seasonscore": "user_id, season_id, score",
    "notifications_notification": "recipient_id, kind, text, link, dedupe_key",
}
SEASON_TABLES = {
    **NIGHTLY_TABLES,
    "competition_season": "name, starts_on, ends_on, status, point_cap",
    "competition_seasonstanding": "season_id, user_id, rank, score, award, bonus, credits",
    "competition_legacy": "user_id, score, last_season_score, seasons",
    "competition_wallet": "user_id, balance",
    "competition_credittransaction": "wallet_id, amount, balance_after, reason, source_key",
    "competition_ownedtitle": "user_id, title_id",
}


MONTH_EARLIER = (
    "UPDATE competition_season SET name = name || ' (a month earlier)', "
    "starts_on = (date_trunc('month', starts_on) - interval '1 month')::date, "
    "ends_on = (date_trunc('month', starts_on) - interval '1 day')::date"
)


def _rows(services, table: str, columns: str, dbname: str = DATABASE) -> Counter:
    return Counter(services.sql(f"SELECT {columns} FROM {table}", dbname=dbname))  # noqa: S608


def _differences(services, tables: dict) -> dict:
    """{table: (rows only here, rows only in the reference)} for every table that differs."""
    found = {}
    for table, columns in tables.items():
        mine, reference = (
            _rows(services, table, columns),
            _rows(services, table, columns, REFERENCE),
        )
        if mine != reference:
            found[table] = (list((mine - reference).items())[:3], list(reference - mine)[:3])
    return found


def _duplicates(services) -> dict:
    """Keys that must be unique in the ledgers, and how many appear more than once."""
    queries = {
        "points": "SELECT source_key FROM competition_pointsentry",
        "credits": "SELECT source_key FROM competition_credittransaction",
        "notifications": "SELECT recipient_id || ':' || dedupe_key FROM "
        "notifications_notification WHERE dedupe_key <> ''",
    }
    return {
        name: sum(1 for n in Counter(r[0] for r in services.sql(q)).values() if n > 1)
        for name, q in queries.items()
    }


def _reference_copy(services) -> None:
    """The database as it is now, copied into REFERENCE (the app keeps its connections)."""
    services.sql(f"DROP DATABASE IF EXISTS {REFERENCE}", dbname="postgres")
    services.sql(f"CREATE DATABASE {REFERENCE}", dbname="postgres")
    where = ["-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres"]
    dump = subprocess.run(
        ["pg_dump", *where, "-Fc", DATABASE], capture_output=True, check=True, timeout=120
    )
    subprocess.run(
        ["pg_restore", *where, "-d", REFERENCE, "--no-owner"],
        input=dump.stdout,
        capture_output=True,
        check=True,
        timeout=120,
    )


def _reference_url(services) -> str:
    return services.database_url.rsplit("/", 1)[0] + "/" + REFERENCE


class Worker:
    """`celery -A config worker` on our Redis, killed with its whole process group."""

    def __init__(self, services):
        self.services = services
        self.env = services.env(
            CELERY_BROKER_URL=f"redis://127.0.0.1:{REDIS_PORT}/1",
            USE_ASYNC_TASKS="1",
            PROGRESS_CHUNK_GROUPS="1",
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.services.workdir / "celery.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(BIN / "celery"), "-A", "config", "worker", "--pool", "prefork",
             "--concurrency", "1", "--loglevel", "WARNING", "--without-gossip",
             "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip

    def kill(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def queue(self, *args: str) -> None:
        """Queue through the app's own entry points (manage.py with the broker set)."""
        subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT, env=self.env, check=True, capture_output=True, timeout=120,
        )  # fmt: skip


@contextlib.contextmanager
def _holding(services, statement: str, params=None):
    """Run `statement` in a transaction kept open (its locks held) until the block ends."""
    conn = services.connect()
    conn.autocommit = False
    try:
        conn.execute(statement, params)
        yield
    finally:
        conn.rollback()
        conn.close()


def _blocked_on(services, needle: str) -> bool:
    """True once some other session of our database waits for a lock in a query with
    `needle`."""
    return bool(
        services.sql(
            "SELECT 1 FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock' "
            "AND query ILIKE %s",
            [DATABASE, f"%{needle}%"],
        )
    )


def _chunks_done(services) -> tuple[int, int]:
    return services.sql(
        "SELECT chunks_done, chunks_total FROM ops_jobrun WHERE name = 'update_progress' "
        "ORDER BY started_at DESC LIMIT 1"
    )[0]


@pytest.fixture
def worker(app_up):
    started = Worker(app_up)
    try:
        yield started
    finally:
        started.kill()
        with contextlib.suppress(Exception):
            app_up.sql(f"DROP DATABASE IF EXISTS {REFERENCE} WITH (FORCE)", dbname="postgres")


def test_worker_killed_mid_job_then_a_rerun_converges(app_up, worker):
    services = app_up
    # Everyone walked twice as far as the enrollments say: the nightly job has work in every
    # chunk (new distances, milestones to announce, activity points and streaks).
    services.sql("UPDATE activity_dailyactivity SET steps = LEAST(steps * 2, 90000)")
    _reference_copy(services)
    reference_env = {"DATABASE_URL": _reference_url(services), "REDIS_URL": ""}
    services.manage("update_progress", **reference_env)
    groups = [row[0] for row in services.sql("SELECT id FROM accounts_group ORDER BY id")]
    target = groups[CHUNKS_BEFORE_KILL]
    faults = 0

    # 1. The nightly job, one group per chunk: the fifth chunk blocks on enrollment rows
    # this test holds, after writing its streaks and points; the worker dies there.
    with _holding(
        services,
        "SELECT 1 FROM journeys_enrollment e JOIN accounts_user u ON u.id = e.user_id "
        "WHERE u.group_id = %s FOR UPDATE OF e",
        [target],
    ):
        worker.start()
        worker.queue("update_progress", "--queue", "--chunk-groups", "1")
        _wait(lambda: _blocked_on(services, "journeys_enrollment"), "the chunk to block", 60)
        done, total = _chunks_done(services)
        worker.kill()
        faults += 1
    assert (done, total) == (CHUNKS_BEFORE_KILL, len(groups))  # killed half-way
    services.manage("update_progress")  # the rerun (in-process: the next night's run)
    nightly_differences = _differences(services, NIGHTLY_TABLES)

    # 2. The seasons job: every season moved a month back, so the running one ended last
    # month. Finalising blocks on the legacy table this test holds, after the standings are
    # written; the worker dies there.
    for dbname in (DATABASE, REFERENCE):
        services.sql(MONTH_EARLIER, dbname=dbname)
    services.manage("update_seasons", "--create-next", **reference_env)
    with _holding(services, "LOCK TABLE competition_legacy IN EXCLUSIVE MODE"):
        worker.start()
        _wait(lambda: worker.process.poll() is None, "the worker", 10)
        subprocess.run(
            [str(BIN / "celery"), "-A", "config", "call",
             "cohort.competition.tasks.update_seasons_task"],
            cwd=ROOT, env=worker.env, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        _wait(lambda: _blocked_on(services, "competition_legacy"), "finalising to block", 60)
        worker.kill()
        faults += 1
    _wait(lambda: not _blocked_on(services, "competition_legacy"), "the orphan to end", 30)
    services.manage("update_seasons", "--create-next")  # the rerun
    services.manage("update_seasons", "--create-next")  # and again: nothing changes
    season_differences = _differences(services, SEASON_TABLES)
    duplicates = _duplicates(services)
    finalised = services.sql_value(
        "SELECT COUNT(*) FROM competition_season WHERE status = 'finalised'"
    )

    print(
        f"\nworker killed: faults injected {faults} (SIGKILL mid nightly chunk "
        f"{CHUNKS_BEFORE_KILL + 1}/{total}, SIGKILL mid season finalise), 500s seen 0 (no "
        f"HTTP here); after the reruns, tables differing from one clean run: nightly "
        f"{nightly_differences or 'none'}, seasons {season_differences or 'none'}; "
        f"duplicate points / credits / notifications {duplicates}; seasons finalised "
        f"{finalised}"
    )
    assert nightly_differences == {}
    assert season_differences == {}
    assert duplicates == {"points": 0, "credits": 0, "notifications": 0}
