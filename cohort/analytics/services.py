"""Writes of the analytics summaries: each summary recomputed from the raw tables and upserted
on its natural key, writing only the rows whose figures changed and deleting the rows whose
key is gone. Idempotent: a second run with the same data writes nothing."""

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Field, Max, Min, Model, QuerySet
from django.utils import timezone

from cohort.activity.models import DailyActivity
from cohort.analytics import summaries
from cohort.analytics.models import (
    DailyGroupSummary,
    MentorWorkload,
    PathProgressSummary,
    SeasonCategorySummary,
    SubmissionStatusSummary,
)
from cohort.core.caching import cache_set
from cohort.core.clock import programme_today
from cohort.ops.models import JobRun
from cohort.ops.services import job_run_chunk_done, job_run_fail, job_run_start

logger = logging.getLogger(__name__)

DAYS_PER_CHUNK = 7
BATCH_SIZE = 2000
# /analytics/ recomputes today's daily rows when they are older than this (the activity
# services, which this app may not change, do not call analytics_today_refresh on writes).
TODAY_REFRESH_SECONDS = 300
TODAY_REFRESH_KEY = "analytics:today-refreshed"
# A full recompute is recorded as a job run under this name; when it last finished is cached
# under COMPUTED_KEY so the page learns it without a query.
RECOMPUTE_JOB = "recompute_analytics"
COMPUTED_KEY = "analytics:computed-at"
COMPUTING_KEY = "analytics:computing"
COMPUTED_SECONDS = 3600


@dataclass
class Changes:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    def add(self, other: "Changes") -> None:
        self.created += other.created
        self.updated += other.updated
        self.deleted += other.deleted
        self.unchanged += other.unchanged

    @property
    def written(self) -> int:
        return self.created + self.updated + self.deleted


@dataclass(frozen=True)
class Step:
    """One unit of the recompute (a summary, or a week of daily rows) for the progress bar."""

    summary: str
    label: str
    run: Callable[[bool], Changes]


def summary_sync(
    *, model: type[Model], keys: list[str], existing: QuerySet, desired: dict, dry_run: bool
) -> Changes:
    """Make the rows of `existing` equal `desired` ({key tuple: {field: value}}): upsert the
    new and changed rows, delete those whose key is gone; with dry_run only count them."""
    fields = list(next(iter(desired.values())).keys()) if desired else []
    columns = [_column(model, k) for k in keys]
    current = {}
    for row in existing.values(*columns, "pk", *fields).order_by():
        current[tuple(row[c] for c in columns)] = row
    writes = [k for k, v in desired.items() if k not in current or _differs(current[k], v)]
    stale = [current[k]["pk"] for k in current.keys() - desired.keys()]
    changes = Changes(
        created=sum(1 for k in writes if k not in current),
        updated=sum(1 for k in writes if k in current),
        deleted=len(stale),
        unchanged=len(desired) - len(writes),
    )
    if dry_run or not changes.written:
        return changes
    rows = [model(**_key_kwargs(model, keys, k), **desired[k]) for k in writes]
    with transaction.atomic():
        if rows:
            model._default_manager.bulk_create(
                rows,
                batch_size=BATCH_SIZE,
                update_conflicts=True,
                unique_fields=keys,
                update_fields=[*fields, "updated_at"],
            )
        for start in range(0, len(stale), BATCH_SIZE):
            model._default_manager.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()
    return changes


def _column(model: type[Model], name: str) -> str:
    """The attribute holding a key field's value: `group_id` for the `group` foreign key."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise FieldDoesNotExist(f"{model.__name__}.{name} is not a field of its own")
    return field.attname


def _key_kwargs(model: type[Model], keys: list[str], key: tuple) -> dict:
    return {_column(model, k): v for k, v in zip(keys, key, strict=True)}


def _differs(row: dict, values: dict) -> bool:
    return any(row[field] != value for field, value in values.items())


def daily_summaries_sync(
    *, start: dt.date, end: dt.date, group_id: int | None = None, dry_run: bool = False
) -> Changes:
    """Recompute the daily group rows of days start..end (of one group, if given)."""
    existing = DailyGroupSummary.objects.filter(date__range=(start, end))
    if group_id is not None:
        existing = existing.filter(group_id=group_id)
    desired = summaries.daily_group_figures(start=start, end=end, group_id=group_id)
    return summary_sync(
        model=DailyGroupSummary,
        keys=["date", "group"],
        existing=existing,
        desired=desired,
        dry_run=dry_run,
    )


def analytics_today_refresh(*, group_id: int | None = None) -> Changes:
    """Recompute the daily rows from yesterday to tomorrow (members' own days straddle the
    programme's), for one group or all: what a write or the page calls to stay current."""
    today = programme_today()
    one_day = dt.timedelta(days=1)
    return daily_summaries_sync(start=today - one_day, end=today + one_day, group_id=group_id)


TODAY_QUEUE_SECONDS = 60
# Tasks are queued by name: analytics.tasks imports this module (tasks sit above services),
# and the eager (no broker) case calls the service itself.
_TODAY_REFRESH_TASK = "cohort.analytics.tasks.analytics_today_refresh_task"
_RECOMPUTE_TASK = "cohort.analytics.tasks.recompute_analytics_task"


def day_changed_received(sender, group_id=None, **kwargs) -> None:
    """A member's day changed (after commit): refresh their group's rows for today. With
    Celery, at most once a minute per group, a minute later, so one refresh covers a burst
    of logs; in-process (the embedded default), at once."""
    if not settings.USE_ANALYTICS_SUMMARY or group_id is None:
        return
    if settings.CELERY_TASK_ALWAYS_EAGER:
        analytics_today_refresh(group_id=group_id)
        return
    queued_key = f"analytics:today-queued:{group_id}"
    if cache.add(queued_key, True, timeout=TODAY_QUEUE_SECONDS):
        try:
            current_app.send_task(
                _TODAY_REFRESH_TASK, kwargs={"group_id": group_id}, countdown=TODAY_QUEUE_SECONDS
            )
        except Exception:  # no broker: the day is saved; a later log or the night catches up
            cache.delete(queued_key)
            logger.warning("analytics: could not queue today's refresh", exc_info=True)


def analytics_today_refresh_if_stale() -> bool:
    """Refresh today's daily rows unless another request did in the last few minutes (the
    cache's atomic add lets one request through); False when nothing was done."""
    if not settings.USE_ANALYTICS_SUMMARY:
        return False
    if not cache.add(TODAY_REFRESH_KEY, True, timeout=TODAY_REFRESH_SECONDS):
        return False
    analytics_today_refresh()
    return True


def _daily_steps() -> list[Step]:
    """One step per DAYS_PER_CHUNK days, over every day in the raw table or the summary."""
    bounds = [
        DailyActivity.objects.aggregate(low=Min("date"), high=Max("date")),
        DailyGroupSummary.objects.aggregate(low=Min("date"), high=Max("date")),
    ]
    lows = [b["low"] for b in bounds if b["low"]]
    if not lows:
        return []
    start, end = min(lows), max(b["high"] for b in bounds if b["high"])
    steps = []
    while start <= end:
        stop = min(end, start + dt.timedelta(days=DAYS_PER_CHUNK - 1))
        steps.append(
            Step(
                "daily",
                f"days {start}..{stop}",
                _daily_run(start, stop),
            )
        )
        start = stop + dt.timedelta(days=1)
    return steps


def _daily_run(start: dt.date, end: dt.date) -> Callable[[bool], Changes]:
    def run(dry_run: bool) -> Changes:
        return daily_summaries_sync(start=start, end=end, dry_run=dry_run)

    return run


def _whole(model: type[Model], keys: list[str], figures: Callable[[], dict]) -> Callable:
    def run(dry_run: bool) -> Changes:
        return summary_sync(
            model=model,
            keys=keys,
            existing=model._default_manager.all(),
            desired=figures(),
            dry_run=dry_run,
        )

    return run


def analytics_steps() -> list[Step]:
    """Every step of a full recompute, in order."""
    return [
        *_daily_steps(),
        Step(
            "progress",
            "path progress",
            _whole(
                PathProgressSummary, ["path", "group", "bucket"], summaries.path_progress_figures
            ),
        ),
        Step(
            "points",
            "season points",
            _whole(
                SeasonCategorySummary,
                ["season", "category", "group"],
                summaries.season_category_figures,
            ),
        ),
        Step(
            "submissions",
            "submissions",
            _whole(
                SubmissionStatusSummary,
                ["season", "group", "status"],
                summaries.submission_status_figures,
            ),
        ),
        Step(
            "workload",
            "mentor workload",
            _whole(MentorWorkload, ["mentor"], summaries.mentor_workload_figures),
        ),
    ]


def analytics_recompute(
    *,
    dry_run: bool = False,
    steps: Iterable[Step] | None = None,
    on_step: Callable[[Step, Changes], None] | None = None,
) -> dict[str, Changes]:
    """Recompute every summary (the `steps` of analytics_steps, which a caller may wrap in a
    progress bar), recorded as a `recompute_analytics` job run unless dry_run; the changes
    per summary."""
    run = None if dry_run else job_run_start(name=RECOMPUTE_JOB, chunks_total=1)
    totals: dict[str, Changes] = {}
    try:
        for step in analytics_steps() if steps is None else steps:
            changes = step.run(dry_run)
            totals.setdefault(step.summary, Changes()).add(changes)
            if on_step is not None:
                on_step(step, changes)
    except Exception as exc:
        if run is not None:
            job_run_fail(run_id=run.pk, error=repr(exc))
        raise
    if run is not None:
        job_run_chunk_done(run_id=run.pk, rows=sum(c.written for c in totals.values()))
        cache_set(COMPUTED_KEY, timezone.now(), COMPUTED_SECONDS)
    return totals


def analytics_computed_at() -> dt.datetime | None:
    """When a full recompute last finished (cached), or None if none ever did."""
    found = cache.get(COMPUTED_KEY)
    if found is not None:
        return found
    last = (
        JobRun.objects.filter(name=RECOMPUTE_JOB, outcome=JobRun.Outcome.SUCCEEDED)
        .values_list("finished_at", flat=True)
        .first()
    )
    if last is not None:
        cache_set(COMPUTED_KEY, last, COMPUTED_SECONDS)
    return last


def analytics_ensure_computed() -> dt.datetime | None:
    """The time of the last full recompute; on a fresh install (or a restored database)
    where none ever finished, compute every summary now, so the page never contradicts the
    raw tables while waiting for the nightly job. One request computes (the cache's atomic
    add); others meanwhile read what is there."""
    computed_at = analytics_computed_at()
    if computed_at is not None or not settings.USE_ANALYTICS_SUMMARY:
        return computed_at
    if not cache.add(COMPUTING_KEY, True, timeout=600):
        return None
    try:
        analytics_recompute()
    finally:
        cache.delete(COMPUTING_KEY)
    return analytics_computed_at()


def analytics_recompute_request() -> bool:
    """An organiser asked for a full recompute: queued for a worker when Celery has a
    broker (True), else run now in this process (False)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        analytics_recompute()
        return False
    current_app.send_task(_RECOMPUTE_TASK)
    return True
