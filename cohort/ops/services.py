import datetime as dt
import ipaddress
import logging
import socket

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohort.ops.models import AuditEvent, JobRun, ScheduledJob

logger = logging.getLogger(__name__)


def _valid_ip(ip: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        return None


def audit_record(
    *,
    action: str,
    actor=None,
    ip: str | None = None,
    target=None,
    **detail,
) -> AuditEvent:
    """Append one audit event; call inside the transaction of the change it records."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        ip=_valid_ip(ip),
        target_type=target._meta.model_name if target is not None else "",
        target_id=target.pk if target is not None else None,
        detail=detail,
    )


def job_run_start(*, name: str, chunks_total: int, **detail) -> "JobRun":
    """Record that a job started, split into `chunks_total` chunks."""
    return JobRun.objects.create(name=name, chunks_total=chunks_total, detail=detail)


def job_run_chunk_done(
    *, run_id: int, rows: int, worker: str | None = None, seconds: float = 0.0
) -> None:
    """Count one finished chunk, and in `detail["workers"][worker]` the chunks, rows and
    seconds each worker did (in-process runs count as `in-process@<host>`); the chunk that
    completes the run closes it. Safe when chunks finish at once on several workers: the
    run's row is locked while its counts and its JSON are read and written back."""
    worker = worker or f"in-process@{socket.gethostname()}"
    with transaction.atomic():
        run = JobRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            return
        run.chunks_done += 1
        run.rows += rows
        workers = run.detail.setdefault("workers", {})
        done = workers.setdefault(worker, {"chunks": 0, "rows": 0, "seconds": 0.0})
        done["chunks"] += 1
        done["rows"] += rows
        done["seconds"] = round(done["seconds"] + seconds, 3)
        fields = ["chunks_done", "rows", "detail"]
        if run.outcome == JobRun.Outcome.RUNNING and run.chunks_done >= run.chunks_total:
            run.outcome = JobRun.Outcome.SUCCEEDED
            run.finished_at = timezone.now()
            fields += ["outcome", "finished_at"]
        run.save(update_fields=fields)


def job_run_fail(*, run_id: int, error: str) -> None:
    JobRun.objects.filter(pk=run_id).update(
        outcome=JobRun.Outcome.FAILED, finished_at=timezone.now(), error=error[:5000]
    )


def scheduled_jobs_last_runs(*, names: list[str]) -> dict[str, dt.datetime]:
    """Each named job's last claimed run. A job seen for the first time is recorded as run
    now, so it falls due at its next time rather than at once (as under beat)."""
    found = dict(ScheduledJob.objects.filter(name__in=names).values_list("name", "last_run_at"))
    missing = [name for name in names if name not in found]
    if missing:
        now = timezone.now()
        ScheduledJob.objects.bulk_create(
            [ScheduledJob(name=name, last_run_at=now) for name in missing], ignore_conflicts=True
        )
        found = dict(ScheduledJob.objects.filter(name__in=names).values_list("name", "last_run_at"))
    return found


def scheduled_job_claim(*, name: str, seen: dt.datetime) -> bool:
    """Claim the job's due run: True for the one caller whose conditional UPDATE moves
    `last_run_at` on from the value it read (`seen`); any other caller that read the same
    value finds it gone and gets False."""
    claimed = ScheduledJob.objects.filter(name=name, last_run_at=seen).update(
        last_run_at=timezone.now()
    )
    return claimed == 1


def scheduled_job_finish(*, name: str, error: str = "") -> None:
    """Record that the job's claimed run ended, with its error (empty when it succeeded)."""
    ScheduledJob.objects.filter(name=name).update(
        last_finished_at=timezone.now(), last_error=error[:5000]
    )


# --- Running a scheduled job by hand --------------------------------------------------------

RUN_TASK = "cohort.ops.tasks.scheduled_job_run_task"


def _celery_app():
    from config.celery import app

    app.loader.import_default_modules()  # every app's tasks registered (once per process)
    return app


def job_run_request(*, name: str, actor, ip: str | None = None) -> JobRun:
    """Queue a run of the scheduled job `name` now (NotFound for a name not in the
    schedule): a JobRun under the job's name records it (running until the worker ends it)
    and an audit event says who asked. The caller checked the permission. Queued once the
    transaction commits; with no broker (eager) it runs then, in this process."""
    from cohort.core.exceptions import NotFound
    from cohort.ops.selectors import scheduled_job_names

    if name not in scheduled_job_names():
        raise NotFound(_("No such job."))
    with transaction.atomic():
        run = JobRun.objects.create(
            name=name, chunks_total=0, detail={"trigger": "by hand", "requested_by": actor.pk}
        )
        audit_record(
            action=AuditEvent.Action.JOB_RUN_REQUESTED, actor=actor, ip=ip, target=run, job=name
        )
        run_id = run.pk
        transaction.on_commit(lambda: _job_run_queue(run_id))
    return run


def _job_run_queue(run_id: int) -> None:
    """Hand the run to Celery (or run it, eagerly); a broker that cannot be reached fails
    the run with the reason, rather than leaving it "running" for ever or the page a 500."""
    try:
        _celery_app().tasks[RUN_TASK].delay(run_id)
    except Exception as exc:  # kombu's OperationalError and friends: the broker is away
        logger.exception("could not queue job run %s", run_id)
        job_run_fail(run_id=run_id, error=f"Could not be queued: {type(exc).__name__}: {exc}")


def job_run_execute(*, run_id: int) -> str:
    """Run the job of a run asked for by hand, in this process, and close the run with its
    outcome and duration: "succeeded", "failed", or "skipped" when the run is not waiting
    (already taken: a redelivered task runs nothing twice). Claimed with a conditional
    UPDATE of the run's chunk count (0 while it waits, 1 once taken)."""
    from config.celery import _beat_schedule

    run = JobRun.objects.filter(pk=run_id).only("name").first()
    # Waiting runs have no chunk yet; the one caller that gives it its chunk runs it.
    claimed = JobRun.objects.filter(
        pk=run_id, outcome=JobRun.Outcome.RUNNING, chunks_total=0
    ).update(chunks_total=1, started_at=timezone.now())  # the duration is the run's own
    entry = _beat_schedule().get(run.name) if run is not None else None
    if not claimed or entry is None:
        return "skipped"
    try:
        _celery_app().tasks[entry["task"]].apply(throw=True)
    except Exception as exc:
        job_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        return "failed"
    job_run_chunk_done(run_id=run_id, rows=0)
    return "succeeded"
