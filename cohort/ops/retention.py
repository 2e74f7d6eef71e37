"""Deleting old rows that nobody needs any more: read notifications, job runs, audit events,
expired sessions.

Rows go in small batches, each its own short transaction, so a first prune of a large
table neither holds locks for long nor loads every id into memory.
"""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Model, Q
from django.utils import timezone

from cohort.ops.models import AuditEvent, JobRun
from cohort.ops.services import audit_record

BATCH_SIZE = 1000


@dataclass(frozen=True)
class PruneResult:
    name: str
    cutoff: dt.datetime
    count: int


def _notification_model() -> type[Model]:
    # notifications sits above ops in the layers, so it is looked up by name, not imported.
    return apps.get_model("notifications", "Notification")


def _policies(*, notification_days: int, job_run_days: int, audit_days: int, now: dt.datetime):
    """(name, model, cutoff, condition) per kind of old row. Unread notifications never go."""
    notification_cutoff = now - dt.timedelta(days=notification_days)
    job_run_cutoff = now - dt.timedelta(days=job_run_days)
    audit_cutoff = now - dt.timedelta(days=audit_days)
    return [
        (
            "read notifications",
            _notification_model(),
            notification_cutoff,
            Q(read_at__isnull=False, created_at__lt=notification_cutoff),
        ),
        ("job runs", JobRun, job_run_cutoff, Q(started_at__lt=job_run_cutoff)),
        ("audit events", AuditEvent, audit_cutoff, Q(created_at__lt=audit_cutoff)),
        # Sessions live in the database (`db` or `cached_db`): nothing else removes them.
        ("expired sessions", Session, now, Q(expire_date__lt=now)),
    ]


def _delete_in_batches(model: type[Model], condition: Q, batch_size: int) -> int:
    deleted = 0
    last_pk = 0
    while True:
        # Keyset over the primary key: each batch starts after the last one, so rows kept
        # (unread notifications) are not scanned again on every round.
        ids = list(
            model.objects.filter(condition, pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return deleted
        model.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
        last_pk = ids[-1]


def records_prune(
    *,
    notification_days: int | None = None,
    job_run_days: int | None = None,
    audit_days: int | None = None,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
) -> list[PruneResult]:
    """Delete rows older than their retention (defaults: the RETENTION_* settings) and
    return how many went per kind; with `dry_run`, count them and write nothing."""
    now = timezone.now()
    policies = _policies(
        notification_days=notification_days or settings.RETENTION_NOTIFICATION_DAYS,
        job_run_days=job_run_days or settings.RETENTION_JOB_RUN_DAYS,
        audit_days=audit_days or settings.RETENTION_AUDIT_DAYS,
        now=now,
    )
    results = []
    for name, model, cutoff, condition in policies:
        if dry_run:
            count = model.objects.filter(condition).count()
        else:
            count = _delete_in_batches(model, condition, batch_size)
        results.append(PruneResult(name=name, cutoff=cutoff, count=count))
    if not dry_run:
        audit_record(action=AuditEvent.Action.RECORDS_PRUNED, **{r.name: r.count for r in results})
    return results
