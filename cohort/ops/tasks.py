"""Celery tasks: one service call each."""

from celery import shared_task

from cohort.ops.retention import records_prune
from cohort.ops.services import job_run_execute


@shared_task
def prune_old_records_task() -> dict[str, int]:
    return {result.name: result.count for result in records_prune()}


@shared_task
def scheduled_job_run_task(run_id: int) -> str:
    """A scheduled job run by hand (the console's "run now", POST /api/v1/jobs/{name}/run)."""
    return job_run_execute(run_id=run_id)
