"""Celery tasks: ids in, one service call, nothing else."""

import time

from celery import shared_task
from django.conf import settings
from django.db import transaction

from cohort.accounts.models import Group
from cohort.activity.services.leetcode import leetcode_streaks_sync
from cohort.activity.services.recompute import progress_recompute_groups
from cohort.activity.services.sheets import sheets_sync_all
from cohort.ops.services import job_run_chunk_done, job_run_fail, job_run_start

UPDATE_PROGRESS = "update_progress"


def progress_chunks(chunk_groups: int | None = None) -> list[list[int]]:
    """Group ids split into chunks that workers can take in parallel."""
    size = chunk_groups or settings.PROGRESS_CHUNK_GROUPS
    ids = list(Group.objects.order_by("pk").values_list("pk", flat=True))
    return [ids[i : i + size] for i in range(0, len(ids), size)] or [[]]


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=5,
)
def update_progress_chunk_task(self, run_id: int, group_ids: list[int]) -> int:
    """One chunk of the nightly recompute; the run's record counts it under this worker's
    name (w1@host; the host's name when run eagerly), so it shows how the work was split."""
    started = time.perf_counter()
    try:
        rows = progress_recompute_groups(group_ids=group_ids)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            job_run_fail(run_id=run_id, error=repr(exc))
        raise
    job_run_chunk_done(
        run_id=run_id,
        rows=rows,
        worker=self.request.hostname,
        seconds=time.perf_counter() - started,
    )
    return rows


@shared_task
def update_progress_task(chunk_groups: int | None = None) -> int:
    """Fan the nightly recompute out: one task per chunk of groups. Returns the run id."""
    chunks = progress_chunks(chunk_groups)
    run = job_run_start(name=UPDATE_PROGRESS, chunks_total=len(chunks))
    for chunk in chunks:
        update_progress_chunk_task.delay(run.pk, chunk)
    return run.pk


@shared_task
def sync_sheets_task() -> dict[str, int]:
    """Read every enabled group sheet; each group's outcome is on its SheetSource."""
    return sheets_sync_all()


@shared_task
def sync_leetcode_streaks_task(user_ids: list[int] | None = None) -> dict[str, int]:
    """Sync the LeetCode streaks of every active member with a username (or of `user_ids`);
    each member's outcome is on their streak row."""
    return leetcode_streaks_sync(user_ids=user_ids).as_dict()


def path_made_current_received(sender, path_id=None, **kwargs) -> None:
    """journeys.signals.path_made_current: once the change commits, rebuild everyone's
    progress on the new chain from the days already logged (the nightly job, now), so
    nobody shows 0 until tonight and a replaced day moves them by its difference."""
    transaction.on_commit(lambda: update_progress_task.delay())
