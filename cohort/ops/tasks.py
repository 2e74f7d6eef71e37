"""Celery tasks: one service call each."""

from celery import shared_task

from cohort.ops.retention import records_prune


@shared_task
def prune_old_records_task() -> dict[str, int]:
    return {result.name: result.count for result in records_prune()}
