"""Scale-out on one machine: nginx in front of two gunicorn servers, two Celery workers and
beat, sharing a PostgreSQL primary (with a streaming replica for reads) and Redis; then
checks that the pieces work together, printing PASS or FAIL for each.

    .venv/bin/python bench/load/scaleout.py [--members 2000] [--chunks 8]

Ports: nginx 8020, gunicorn 8021 (server A) and 8022 (server B), PostgreSQL 5435 (primary,
database cohort_scale) and 5433 (replica), both clusters of its own (bench/load/replica.py);
Redis db 5 (cache, sessions) and db 6 (Celery broker), both flushed. Needs root (the
clusters run as postgres; nginx drops to nobody). Everything it started is stopped and its
folders removed when it ends, whatever happened. Exit code 1 if any check failed.
docs/scaleout.md describes the checks and the figures of a run.
"""

import argparse
import contextlib
import datetime as dt
import math
import os
import secrets
import shutil
import subprocess  # noqa: S404 - our own programs
import sys
import tempfile
import time
import zoneinfo
from collections import Counter
from pathlib import Path

import redis
import requests
from _serve import stop_process_group
from replica import Clusters

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
DATABASE = "cohort_scale"
CACHE_URL = "redis://127.0.0.1:6379/5"
BROKER_URL = "redis://127.0.0.1:6379/6"
NGINX, SERVER_A, SERVER_B = 8020, 8021, 8022
PASSWORD = "bench-group-password"  # bench/generate.py's group password
MEMBER = "walker1@bench.example"
GROUP_MATE = "walker2@bench.example"  # generate.py: members 0-19 share the first group
PIN_SECONDS = 2

failures: list[str] = []


def report(name: str, ok: bool, detail: str) -> None:
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)
    if not ok:
        failures.append(name)


def info(text: str) -> None:
    print(f"      {text}", flush=True)


class Topology:
    """The processes this script started, in order, each in its own process group."""

    def __init__(self, folder: Path, environment: dict[str, str]):
        self.folder = folder
        self.environment = environment
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], **extra: str) -> None:
        log = (self.folder / f"{name}.log").open("w")
        self.processes[name] = subprocess.Popen(  # noqa: S603
            argv,
            cwd=ROOT,
            env={**self.environment, **extra},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is not None:
            stop_process_group(process)

    def stop_all(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop(name)

    def is_running(self, name: str) -> bool:
        process = self.processes.get(name)
        return process is not None and process.poll() is None

    def log_tail(self, name: str, lines: int = 15) -> str:
        path = self.folder / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--chunks", type=int, default=8, help="chunks of the nightly job")
    parser.add_argument("--primary-port", type=int, default=5435)
    parser.add_argument("--replica-port", type=int, default=5433)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("Run as root: the PostgreSQL clusters run as the postgres user.")

    folder = Path(tempfile.mkdtemp(prefix="cohort-scaleout-"))
    folder.chmod(0o755)
    clusters = Clusters(primary_port=args.primary_port, replica_port=args.replica_port)
    topology: Topology | None = None
    collectstatic: subprocess.Popen | None = None
    started = time.monotonic()
    try:
        environment = _environment(clusters, folder)
        # Compressing the static files takes a minute or two here: meanwhile, the rest.
        collectstatic = subprocess.Popen(  # noqa: S603
            [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=environment,
        )
        clusters.start()
        print(
            f"PostgreSQL primary :{clusters.primary_port}, streaming replica :"
            f"{clusters.replica_port}",
            flush=True,
        )
        _flush_my_redis()
        _generate(clusters, args.members)
        lag = clusters.wait_caught_up()
        print(f"Replica caught up with the generated data {lag:.2f} s after it was loaded.")
        _rebuild_leaderboards(environment)
        if collectstatic.wait() != 0:
            raise RuntimeError("collectstatic failed")
        _django_setup(environment)
        topology = Topology(folder, environment)
        _start_everything(topology, folder)
        _wait_until_up(topology)
        print(f"Topology up after {time.monotonic() - started:.0f} s.\n", flush=True)
        _run_checks(topology, clusters, args)
    except Exception as exc:  # noqa: BLE001 - any error is a FAIL, then everything stops
        report("topology", False, f"{type(exc).__name__}: {exc}")
        if topology is not None:
            for name in topology.processes:
                if not topology.is_running(name):
                    print(f"--- {name} exited; its log ends:\n{topology.log_tail(name)}")
    finally:
        if collectstatic is not None and collectstatic.poll() is None:
            collectstatic.kill()
            collectstatic.wait()
        if topology is not None:
            topology.stop_all()
        clusters.stop()
        _flush_my_redis()
        shutil.rmtree(folder, ignore_errors=True)
        print(
            "Stopped nginx, gunicorn, Celery and both PostgreSQL clusters; removed "
            f"{folder} and {clusters.base}; emptied Redis db 5 and 6."
        )
    print(
        f"\n{'ALL PASSED' if not failures else 'FAILED: ' + ', '.join(failures)} "
        f"({time.monotonic() - started:.0f} s)"
    )
    sys.exit(1 if failures else 0)


# --- set-up --------------------------------------------------------------------------------
def _flush_my_redis() -> None:
    for url in (CACHE_URL, BROKER_URL):
        redis.Redis.from_url(url).flushdb()


def _generate(clusters: Clusters, members: int) -> None:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_REPLICA_URL", "CELERY_BROKER_URL", "REDIS_URL"}
    }
    begun = time.monotonic()
    done = subprocess.run(  # noqa: S603
        [
            str(BIN / "python"),
            "bench/generate.py",
            "--members",
            str(members),
            "--database-url",
            clusters.url(DATABASE),
        ],
        cwd=ROOT,
        env={**environment, "TQDM_DISABLE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"bench/generate.py failed:\n{done.stderr[-2000:]}")
    print(f"bench/generate.py --members {members}: {time.monotonic() - begun:.0f} s")


def _environment(clusters: Clusters, folder: Path) -> dict[str, str]:
    var = folder / "var"
    var.mkdir()
    dropped = {"DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    return {
        **{k: v for k, v in os.environ.items() if k not in dropped},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": clusters.url(DATABASE),
        "DATABASE_REPLICA_URL": clusters.url(DATABASE, replica=True),
        "REPLICA_PIN_SECONDS": str(PIN_SECONDS),
        "REDIS_URL": CACHE_URL,
        "CELERY_BROKER_URL": BROKER_URL,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXY_COUNT": "1",
        "DEBUG": "0",
        "COHORT_VAR_DIR": str(var),
        "LOG_LEVEL": "WARNING",
        "DB_POOL_MAX_SIZE": "4",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
        "TQDM_DISABLE": "1",
    }


def _rebuild_leaderboards(environment: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603
        [str(BIN / "python"), "manage.py", "rebuild_leaderboards"],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
    )


def _django_setup(environment: dict[str, str]) -> None:
    """This process talks to the primary only (its ORM work is outside any request)."""
    os.environ.update({k: v for k, v in environment.items() if k != "DATABASE_REPLICA_URL"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _start_everything(topology: Topology, folder: Path) -> None:
    gunicorn = [str(BIN / "gunicorn"), "config.wsgi", "-c", "config/gunicorn.conf.py"]
    topology.start("gunicorn-a", gunicorn, GUNICORN_BIND=f"127.0.0.1:{SERVER_A}")
    topology.start("gunicorn-b", gunicorn, GUNICORN_BIND=f"127.0.0.1:{SERVER_B}")
    celery = [str(BIN / "celery"), "-A", "config"]
    worker = ["worker", "--concurrency", "1", "--loglevel", "WARNING", "--without-gossip"]
    topology.start("celery-w1", [*celery, *worker, "-n", "w1@%h"])
    topology.start("celery-w2", [*celery, *worker, "-n", "w2@%h"])
    # The in-memory scheduler: the default shelve file cannot store config/celery.py's
    # crontabs (their nowfun is a lambda, which pickle refuses; see docs/scaleout.md).
    topology.start(
        "celery-beat",
        [*celery, "beat", "--loglevel", "WARNING", "-S", "celery.beat:Scheduler"],
    )
    topology.start("nginx", ["/usr/sbin/nginx", *_nginx_config(folder)])


def _nginx_config(folder: Path) -> list[str]:
    prefix = folder / "nginx"
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / sub).mkdir(parents=True)
        (prefix / "tmp" / sub).chmod(0o777)  # nginx's workers run as nobody
    template = (ROOT / "deploy" / "nginx.conf.template").read_text()
    servers = "\n".join(f"        server 127.0.0.1:{port};" for port in (SERVER_A, SERVER_B))
    config = (
        template.replace("{{PREFIX}}", str(prefix))
        .replace("{{USER}}", "nobody nogroup")
        .replace("{{LISTEN}}", f"127.0.0.1:{NGINX}")
        .replace("{{UPSTREAM_SERVERS}}", servers)
    )
    (prefix / "nginx.conf").write_text(config)
    return ["-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"]


def _wait_until_up(topology: Topology, timeout: float = 90) -> None:
    from config.celery import app

    deadline = time.monotonic() + timeout
    pending = {NGINX, SERVER_A, SERVER_B}
    workers: set[str] = set()
    while time.monotonic() < deadline and (pending or len(workers) < 2):
        for name in topology.processes:
            if not topology.is_running(name):
                raise RuntimeError(f"{name} exited:\n{topology.log_tail(name)}")
        for port in sorted(pending):  # a copy: answered ports leave the set
            with contextlib.suppress(requests.RequestException):
                if requests.get(_url(port, "/health/ready/"), timeout=2).status_code == 200:
                    pending.discard(port)
        workers = {name for reply in app.control.ping(timeout=1) for name in reply}
        time.sleep(0.5)
    if pending or len(workers) < 2:
        raise RuntimeError(f"not up in {timeout:.0f} s: ports {pending}, workers {workers}")


def _url(port: int, path: str) -> str:
    return f"http://127.0.0.1:{port}{path}"


# --- checks --------------------------------------------------------------------------------
def _run_checks(topology: Topology, clusters: Clusters, args) -> None:
    for check in (
        _check_session_shared,
        _check_write_visible_in_other_servers_cache,
        _check_nginx_spreads,
        _check_replica_reads_and_primary_writes,
    ):
        try:
            check(clusters)
        except Exception as exc:  # noqa: BLE001 - a check that breaks is a FAIL, not a stop
            report(check.__name__.removeprefix("_check_"), False, f"{type(exc).__name__}: {exc}")
    try:
        _check_nightly_split(topology, args)
    except Exception as exc:  # noqa: BLE001
        report("nightly job", False, f"{type(exc).__name__}: {exc}")
    report(
        "beat",
        topology.is_running("celery-beat"),
        "celery beat ran alongside the workers throughout (schedule in config/celery.py)",
    )


def _signed_in(port: int, email: str = MEMBER) -> tuple[requests.Session, dict]:
    session = requests.Session()
    answer = session.post(
        _url(port, "/api/v1/auth/login"), json={"email": email, "password": PASSWORD}, timeout=10
    )
    answer.raise_for_status()
    return session, answer.json()


def _with_csrf(session: requests.Session, port: int) -> dict:
    """The CSRF header a browser's htmx would send (the cookie comes with any page)."""
    session.get(_url(port, "/activity/"), timeout=10).raise_for_status()
    return {"X-CSRFToken": session.cookies["csrftoken"]}


def _check_session_shared(clusters: Clusters) -> None:
    session, viewer = _signed_in(SERVER_A)
    on_b = session.get(_url(SERVER_B, "/api/v1/me"), timeout=10)
    anonymous = requests.get(_url(SERVER_B, "/api/v1/me"), timeout=10)
    ok = on_b.status_code == 200 and anonymous.status_code == 401
    same = ok and on_b.json()["email"] == viewer["email"]
    report(
        "session made on A honoured by B",
        ok and same,
        f"signed in on :{SERVER_A}, GET /api/v1/me on :{SERVER_B} -> {on_b.status_code} "
        f"as {viewer['email']} (without the cookie -> {anonymous.status_code})",
    )


def _today(viewer: dict) -> dt.date:
    return dt.datetime.now(zoneinfo.ZoneInfo(viewer["time_zone"])).date()


def _my_row(session: requests.Session, user_id: int) -> dict:
    rows = session.get(_url(SERVER_B, "/api/v1/dashboard"), timeout=10).json()["results"]
    return next(row for row in rows if row["user_id"] == user_id)


def _my_rank(session: requests.Session) -> dict:
    answer = session.get(_url(SERVER_B, "/api/v1/leaderboards/progress/me"), timeout=10)
    answer.raise_for_status()
    return answer.json()


def _check_write_visible_in_other_servers_cache(clusters: Clusters) -> None:
    session, viewer = _signed_in(SERVER_A)
    headers = _with_csrf(session, SERVER_A)
    # Another member of the same group, reading on B without having written anything.
    neighbour, _ = _signed_in(SERVER_B, GROUP_MATE)
    time.sleep(PIN_SECONDS + 0.5)  # the sign-ins' pins lapse: both read as bystanders would
    for _ in range(2):  # the second read is served from B's caches
        before, rank_before = _my_row(session, viewer["id"]), _my_rank(session)
        seen_before = _my_row(neighbour, viewer["id"])
    steps = before["today_steps"] + 1_234 if before["today_steps"] < 90_000 else 1_234
    day = _today(viewer).isoformat()
    put = session.put(
        _url(SERVER_A, f"/api/v1/activity/{day}"),
        json={"steps": steps},
        headers=headers,
        timeout=10,
    )
    put.raise_for_status()
    after, rank_after = _my_row(session, viewer["id"]), _my_rank(session)
    seen_after = _my_row(neighbour, viewer["id"])
    ok = (
        after["today_steps"] == steps
        and after["distance"] != before["distance"]
        and rank_after["distance"] != rank_before["distance"]
        and seen_before["today_steps"] == before["today_steps"]
        and seen_after["today_steps"] == steps
    )
    report(
        "write on A visible at once in B's cached pages",
        ok,
        f"PUT steps {before['today_steps']}->{steps} on :{SERVER_A}; at once on :{SERVER_B} "
        f"dashboard today {after['today_steps']}, distance {before['distance']}->"
        f"{after['distance']}; leaderboard 'me' distance {rank_before['distance']}->"
        f"{rank_after['distance']} (rank {rank_before['rank']}->{rank_after['rank']}); "
        f"a group mate on :{SERVER_B} sees today {seen_before['today_steps']}->"
        f"{seen_after['today_steps']}",
    )


def _check_nginx_spreads(clusters: Clusters) -> None:
    session, _ = _signed_in(NGINX)
    served, statuses = Counter(), Counter()
    for _ in range(40):
        answer = session.get(_url(NGINX, "/api/v1/me"), timeout=10)
        statuses[answer.status_code] += 1
        served[answer.headers.get("X-Upstream", "?")] += 1
    ok = statuses == Counter({200: 40}) and len(served) == 2
    report(
        "nginx spreads requests over both servers",
        ok,
        f"40 signed-in GET /api/v1/me on :{NGINX}: {dict(statuses)}; served by {dict(served)}",
    )


def _statements(connection) -> Counter:
    """Statements each server ran in our database so far (pg_stat_statements, which the
    replica keeps for its own queries), in all and per table of interest."""
    rows = connection.execute(
        "SELECT s.query, s.calls FROM pg_stat_statements s"
        " JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = %s",
        [DATABASE],
    ).fetchall()
    counts = Counter()
    for query, calls in rows:
        counts["all"] += calls
        for table in TABLES:
            if table in query:
                counts[table] += calls
    return counts


TABLES = ("activity_dailyactivity", "notifications_notification", "accounts_user")


def _delta(changed: Counter) -> str:
    parts = [f"{changed[t]} {t}" for t in TABLES if changed[t]]
    return f"{changed['all']} statements ({', '.join(parts) or 'none on our tables'})"


def _check_replica_reads_and_primary_writes(clusters: Clusters) -> None:
    session, viewer = _signed_in(SERVER_B)
    time.sleep(PIN_SECONDS + 0.5)  # the sign-in wrote (last login, audit): let its pin lapse
    day = (_today(viewer) - dt.timedelta(days=1)).isoformat()
    with clusters.connect() as primary, clusters.connect(replica=True) as replica:
        in_recovery = replica.execute("SELECT pg_is_in_recovery()").fetchone()[0]
        streaming = primary.execute(
            "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
        ).fetchone()[0]
        replica_before, primary_before = _statements(replica), _statements(primary)
        pages = ["/api/v1/activity", "/api/v1/notifications", f"/api/v1/activity/{day}"] * 4
        for path in pages:
            session.get(_url(SERVER_B, path), timeout=10).raise_for_status()
        on_replica = _statements(replica) - replica_before
        on_primary = _statements(primary) - primary_before
        read_tables = ("activity_dailyactivity", "notifications_notification")
        report(
            "reads land on the replica",
            in_recovery
            and streaming == 1
            and all(on_replica[t] >= 4 for t in read_tables)
            and not any(on_primary[t] for t in read_tables)
            and on_replica["accounts_user"] == 0,
            f"replica in recovery: {in_recovery}, streaming connections: {streaming}; "
            f"{len(pages)} signed-in GETs on :{SERVER_B} -> on the replica "
            f"{_delta(on_replica)}; on the primary "
            f"{_delta(on_primary)} (the signed-in user: "
            "accounts stay on the primary)",
        )

        headers = _with_csrf(session, SERVER_B)
        time.sleep(PIN_SECONDS + 0.5)
        steps = 4_321 + secrets.randbelow(1_000)
        put = session.put(
            _url(SERVER_B, f"/api/v1/activity/{day}"),
            json={"steps": steps},
            headers=headers,
            timeout=10,
        )
        put.raise_for_status()
        written_at = time.monotonic()  # committed before the answer left the server
        pinned = "cohort_primary" in put.cookies
        query = (
            "SELECT steps FROM activity_dailyactivity a JOIN accounts_user u ON u.id = a.user_id"
            " WHERE u.email = %s AND a.date = %s"
        )
        with clusters.connect(database=DATABASE) as direct:
            on_primary = direct.execute(query, [MEMBER, day]).fetchone()[0]
        seen_on_replica = None
        with clusters.connect(replica=True, database=DATABASE) as direct:
            while time.monotonic() - written_at < 10:
                if direct.execute(query, [MEMBER, day]).fetchone()[0] == steps:
                    seen_on_replica = time.monotonic() - written_at
                    break
                time.sleep(0.002)
        own_read = session.get(_url(SERVER_B, f"/api/v1/activity/{day}"), timeout=10).json()
        fresh = requests.Session()
        fresh.cookies.update({k: v for k, v in session.cookies.items() if k != "cohort_primary"})
        replica_before = _statements(replica)
        other_read = fresh.get(_url(SERVER_B, f"/api/v1/activity/{day}"), timeout=10).json()
        replica_served = (_statements(replica) - replica_before)["activity_dailyactivity"]
    report(
        "a write lands on the primary and becomes visible",
        on_primary == steps
        and seen_on_replica is not None
        and pinned
        and own_read["steps"] == steps
        and other_read["steps"] == steps
        and replica_served >= 1,
        f"PUT {steps} steps on :{SERVER_B}: on the primary at once ({on_primary}); on the "
        f"replica {seen_on_replica * 1000:.0f} ms after the answer; the writer pinned to the "
        f"primary for {PIN_SECONDS} s (cookie: {pinned}) reads {own_read['steps']}; a read without "
        f"the pin reads {other_read['steps']} from the replica ({replica_served} statement there)"
        if seen_on_replica is not None
        else f"PUT {steps}: primary has {on_primary}; the replica never showed it in 10 s",
    )


# --- the nightly job -----------------------------------------------------------------------
def _reset_enrollments() -> None:
    """Enrollments back to zero and no notifications, so each timed run does the same work
    (as bench/experiments/nightly.py does); VACUUM as autovacuum would between nights."""
    from django.db import connection

    from cohort.journeys.models import Enrollment
    from cohort.notifications.models import Notification

    Notification.objects.all().delete()
    Enrollment.objects.update(
        steps=0, distance=0, progress=0, current_milestone=None, notified_order=0
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE journeys_enrollment, notifications_notification")


def _nightly_run(chunk_groups: int, timeout: float = 900):
    from cohort.activity.tasks import update_progress_task
    from cohort.ops.models import JobRun

    _reset_enrollments()
    last = JobRun.objects.filter(name="update_progress").order_by("-pk").first()
    after = last.pk if last else 0
    queued = time.monotonic()
    update_progress_task.delay(chunk_groups)
    while time.monotonic() - queued < timeout:
        run = JobRun.objects.filter(name="update_progress", pk__gt=after).first()
        if run is not None and run.outcome != JobRun.Outcome.RUNNING:
            return run, time.monotonic() - queued
        time.sleep(0.1)
    raise RuntimeError(f"update_progress did not finish in {timeout:.0f} s")


def _split(run) -> str:
    workers = run.detail.get("workers", {})
    return "; ".join(
        f"{name}: {w['chunks']} chunks, {w['rows']} rows, {w['seconds']:.2f} s"
        for name, w in sorted(workers.items())
    )


def _check_nightly_split(topology: Topology, args) -> None:
    from cohort.accounts.models import Group

    groups = Group.objects.count()
    chunk_groups = max(1, math.ceil(groups / args.chunks))
    info(
        f"nightly job: {args.members:,} members, {groups:,} groups, chunks of {chunk_groups} "
        "groups, enrollments reset to zero before each run"
    )
    two, two_wall = _nightly_run(chunk_groups)
    workers = two.detail.get("workers", {})
    names = sorted(name.split("@")[0] for name in workers)
    report(
        "nightly job fans out over both workers",
        two.outcome == "succeeded"
        and names == ["w1", "w2"]
        and all(w["chunks"] > 0 for w in workers.values())
        and sum(w["chunks"] for w in workers.values()) == two.chunks_total,
        f"run {two.pk}: {two.outcome}, {two.chunks_done}/{two.chunks_total} chunks, "
        f"{two.rows} rows; JobRun.detail: {_split(two)}",
    )

    topology.stop("celery-w2")
    one, one_wall = _nightly_run(chunk_groups)
    only = sorted(name.split("@")[0] for name in one.detail.get("workers", {}))
    report(
        "with w2 stopped the same job runs on w1 alone",
        one.outcome == "succeeded" and only == ["w1"] and one.rows == two.rows,
        f"run {one.pk}: {one.outcome}, {one.chunks_done}/{one.chunks_total} chunks, "
        f"{one.rows} rows; JobRun.detail: {_split(one)}",
    )
    info(
        f"duration (JobRun started -> finished): two workers {two.duration_seconds:.2f} s, "
        f"one worker {one.duration_seconds:.2f} s, "
        f"ratio {one.duration_seconds / two.duration_seconds:.2f}x"
        f" (queued -> seen finished: {two_wall:.2f} s vs {one_wall:.2f} s). Both workers, "
        "both app servers, PostgreSQL, its replica and Redis share this machine's "
        f"{os.cpu_count()} cores."
    )


if __name__ == "__main__":
    main()
