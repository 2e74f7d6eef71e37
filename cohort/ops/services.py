import ipaddress
import socket

from django.db import transaction
from django.utils import timezone

from cohort.ops.models import AuditEvent, JobRun


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


def job_run_last(*, name: str) -> "JobRun | None":
    return JobRun.objects.filter(name=name).first()
