"""The embedded default's scheduler. Without a Celery broker there is no beat, so each server
process (config/wsgi.py, config/asgi.py) starts one daemon thread that runs the beat schedule
of config/celery.py in-process: every TICK_SECONDS it reads each job's last run, asks the
job's own Celery schedule whether it is due (`is_due`, the test beat itself makes), claims
the run in the database (a conditional UPDATE: of several processes exactly one runs it) and
runs the task in this thread. Jobs run one after another; a long nightly job delays the
emails behind it, never the requests. Not started in tests (conftest) nor by management
commands other than the server, and off with a broker (beat runs the schedule then)."""

import logging
import threading
import time

from django.conf import settings
from django.db import connections

from cohort.ops.services import (
    scheduled_job_claim,
    scheduled_job_finish,
    scheduled_jobs_last_runs,
)

logger = logging.getLogger(__name__)

TICK_SECONDS = 10
_lock = threading.Lock()
_thread: threading.Thread | None = None


def schedule_entries() -> dict:
    """{job name: (task name, Celery schedule)} from the beat schedule, tasks loaded."""
    from celery.schedules import maybe_schedule

    from config.celery import _beat_schedule, app

    app.loader.import_default_modules()
    return {
        name: (entry["task"], maybe_schedule(entry["schedule"], app=app))
        for name, entry in _beat_schedule().items()
    }


def schedule_run_due(*, entries: dict | None = None) -> list[str]:
    """Run every job that is due and that this caller claims, one after another; the names
    of those run. A failing job is logged and recorded; the others still run."""
    entries = schedule_entries() if entries is None else entries
    last_runs = scheduled_jobs_last_runs(names=list(entries))
    ran = []
    for name, (task, schedule) in entries.items():
        seen = last_runs[name]
        if not schedule.is_due(seen).is_due:
            continue
        if not scheduled_job_claim(name=name, seen=seen):
            continue  # another process took this run
        _run(name, task)
        ran.append(name)
    return ran


def _run(name: str, task: str) -> None:
    from config.celery import app

    started = time.monotonic()
    try:
        app.tasks[task].apply(throw=True)
    except Exception as exc:
        logger.exception("scheduled job %s failed", name)
        scheduled_job_finish(name=name, error=f"{type(exc).__name__}: {exc}")
        return
    scheduled_job_finish(name=name)
    logger.info("scheduled job %s done in %.2f s", name, time.monotonic() - started)


def schedule_start_in_process() -> threading.Thread | None:
    """Start this process's scheduler thread, once; None when SCHEDULE_IN_PROCESS is off
    (a broker is configured, or tests)."""
    global _thread
    if not settings.SCHEDULE_IN_PROCESS:
        return None
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_loop, name="cohort-schedule", daemon=True)
            _thread.start()
        return _thread


def _loop() -> None:
    while True:
        try:
            schedule_run_due()
        except Exception:  # the database was away, say: try again at the next tick
            logger.exception("the in-process scheduler could not check its jobs")
        finally:
            connections.close_all()  # this thread's connections, back to the pool
        time.sleep(TICK_SECONDS)
