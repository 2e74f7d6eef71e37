"""Reads of the operations tables: the scheduled jobs and their last runs, the audit log."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cohort.ops.models import AuditEvent, JobRun, ScheduledJob


def scheduled_job_names() -> list[str]:
    """The beat schedule's job names, in its order (config/celery.py)."""
    from config.celery import _beat_schedule

    return list(_beat_schedule())


@dataclass(frozen=True)
class JobState:
    """A scheduled job and its newest run, whoever started it: the in-process scheduler,
    the job's own record (update_progress, recompute_analytics) or a run by hand."""

    name: str
    command: str
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    outcome: str = ""  # "", or a JobRun.Outcome value
    error: str = ""
    run_id: int | None = None

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return max((self.finished_at - self.started_at).total_seconds(), 0.0)


def _newest_runs(names: list[str]) -> dict[str, JobRun]:
    """The newest JobRun of each name: one query, one index probe per name
    (jobrun_name_recent; retention keeps the table small)."""
    newest = (
        JobRun.objects.filter(name=OuterRef("name")).order_by("-started_at", "-id").values("pk")[:1]
    )
    runs = JobRun.objects.filter(name__in=names, pk=Subquery(newest)).only(
        "name", "started_at", "finished_at", "outcome", "error"
    )
    return {run.name: run for run in runs}


def _from_scheduler(row: ScheduledJob | None) -> tuple | None:
    """(started, finished, outcome, error) of the in-process scheduler's last run; None when
    it never finished one (a row is made, "as run now", the first time a job is seen)."""
    if row is None or row.last_finished_at is None:
        return None
    if row.last_finished_at < row.last_run_at:
        return (row.last_run_at, None, JobRun.Outcome.RUNNING, "")
    outcome = JobRun.Outcome.FAILED if row.last_error else JobRun.Outcome.SUCCEEDED
    return (row.last_run_at, row.last_finished_at, outcome, row.last_error)


def scheduled_job_states() -> list[JobState]:
    """Every scheduled job with its newest run, in the schedule's order. Two queries."""
    from config.celery import COMMANDS, RECORDED_AS

    names = scheduled_job_names()
    scheduler = {row.name: row for row in ScheduledJob.objects.filter(name__in=names)}
    runs = _newest_runs(names + [RECORDED_AS[n] for n in names if n in RECORDED_AS])
    states = []
    for name in names:
        own = (runs.get(name), runs.get(RECORDED_AS.get(name, "")))
        candidates = [
            (run.started_at, run.finished_at, run.outcome, run.error, run.pk)
            for run in own
            if run is not None
        ]
        found = _from_scheduler(scheduler.get(name))
        if found is not None:
            candidates.append((*found, None))
        state = JobState(name=name, command=COMMANDS.get(name, ""))
        if candidates:
            started, finished, outcome, error, run_id = max(candidates, key=lambda c: c[0])
            state = JobState(
                name=name, command=state.command, started_at=started, finished_at=finished,
                outcome=outcome, error=error, run_id=run_id,
            )  # fmt: skip
        states.append(state)
    return states


# --- The audit log --------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    person: str = ""  # an email (exact, any case) or part of a name
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive


def audit_event_list(
    *, filters: AuditFilter, actor_scope: Q | None = None, before_id: int | None = None
) -> QuerySet[AuditEvent]:
    """The audit events matching the filters, newest first (by id, the primary key's index),
    each with its actor; `actor_scope` limits them to some people (a coordinator's
    division), `before_id` starts after a page's last row (keyset)."""
    events = AuditEvent.objects.select_related("actor").order_by("-id")
    if actor_scope is not None:
        events = events.filter(actor_scope)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.person:
        person = filters.person.strip()
        if "@" in person:
            events = events.filter(actor__email__iexact=person)
        else:
            events = events.filter(actor__display_name__icontains=person)
    # Whole days in the programme's zone, as bounds the created_at index can use.
    zone = timezone.get_current_timezone()
    if filters.since is not None:
        events = events.filter(created_at__gte=dt.datetime.combine(filters.since, dt.time(), zone))
    if filters.until is not None:
        next_day = filters.until + dt.timedelta(days=1)
        events = events.filter(created_at__lt=dt.datetime.combine(next_day, dt.time(), zone))
    if before_id is not None:
        events = events.filter(pk__lt=before_id)
    return events
