"""Celery tasks: one service call, nothing else."""

from celery import shared_task

from cohort.analytics.services import analytics_recompute


@shared_task
def recompute_analytics_task() -> dict[str, int]:
    """The nightly full recompute (idempotent); rows written per summary."""
    return {name: changes.written for name, changes in analytics_recompute().items()}
