"""Celery tasks: one service call, nothing else."""

from celery import shared_task

from cohort.analytics.services import analytics_recompute, analytics_today_refresh


@shared_task
def recompute_analytics_task() -> dict[str, int]:
    """The nightly full recompute (idempotent); rows written per summary."""
    return {name: changes.written for name, changes in analytics_recompute().items()}


@shared_task
def analytics_today_refresh_task(group_id: int) -> int:
    """Today's rows of one group, after its members logged; rows written."""
    return analytics_today_refresh(group_id=group_id).written
