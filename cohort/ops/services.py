import ipaddress

from django.db.models import F
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


def job_run_chunk_done(*, run_id: int, rows: int) -> None:
    """Count one finished chunk; the chunk that completes the run closes it. Safe when
    chunks finish concurrently on several workers (one conditional UPDATE each)."""
    JobRun.objects.filter(pk=run_id).update(chunks_done=F("chunks_done") + 1, rows=F("rows") + rows)
    JobRun.objects.filter(
        pk=run_id, outcome=JobRun.Outcome.RUNNING, chunks_done__gte=F("chunks_total")
    ).update(outcome=JobRun.Outcome.SUCCEEDED, finished_at=timezone.now())


def job_run_fail(*, run_id: int, error: str) -> None:
    JobRun.objects.filter(pk=run_id).update(
        outcome=JobRun.Outcome.FAILED, finished_at=timezone.now(), error=error[:5000]
    )


def job_run_last(*, name: str) -> "JobRun | None":
    return JobRun.objects.filter(name=name).first()
