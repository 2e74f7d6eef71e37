"""Celery tasks of the device sync: ids in, one service call, nothing else.

The fan-out: `device_sync_nightly_task` (every 5 minutes) claims the members for whom it is
now DEVICE_SYNC_TIME in their own zone and queues them in chunks of DEVICE_SYNC_CHUNK;
`device_sync_refresh_task` (every DEVICE_REFRESH_MINUTES) queues "today so far" for every
connection; a webhook queues one member. Requests are paced per provider in the shared
cache (services/pacing.py), so any number of workers stay within each provider's limit.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import transaction

from cohort.devices.models import SyncRun
from cohort.devices.providers.base import WebhookEvent
from cohort.devices.selectors import (
    connection_zones_due,
    connections_for_external_users,
    connections_for_refresh,
)
from cohort.devices.services.schedule import nightly_claim
from cohort.devices.services.sync import device_sync, device_sync_many


def _chunks(ids: list[int]) -> list[list[int]]:
    size = settings.DEVICE_SYNC_CHUNK
    return [ids[i : i + size] for i in range(0, len(ids), size)]


@shared_task(bind=True, max_retries=None)
def device_sync_task(
    self, connection_id: int, kind: str, start: str | None = None, end: str | None = None
) -> str:
    """One member's sync; a 429 or a temporary failure is retried DEVICE_SYNC_RETRIES times,
    after Retry-After or the backoff (with a broker; run eagerly, the next refresh retries)."""
    result = device_sync(
        connection_id=connection_id,
        kind=kind,
        start=dt.date.fromisoformat(start) if start else None,
        end=dt.date.fromisoformat(end) if end else None,
        force=self.request.retries > 0,
    )
    if (
        result.outcome == SyncRun.Outcome.RETRY
        and self.request.retries < settings.DEVICE_SYNC_RETRIES
        and not settings.CELERY_TASK_ALWAYS_EAGER
    ):
        raise self.retry(countdown=max(1.0, result.retry_in))
    return result.outcome


@shared_task
def device_sync_chunk_task(connection_ids: list[int], kind: str) -> dict[str, int]:
    """One chunk of a fan-out; each connection that asks to retry gets a task of its own."""
    counts, retries = device_sync_many(connection_ids=connection_ids, kind=kind)
    if not settings.CELERY_TASK_ALWAYS_EAGER:  # eagerly, the next refresh retries them
        for connection_id, seconds in retries:
            device_sync_task.apply_async(
                (connection_id, kind), countdown=max(1.0, seconds), retries=1
            )
    return counts


@shared_task
def device_sync_nightly_task() -> int:
    """Queue tonight's sync of every member whose zone reached DEVICE_SYNC_TIME."""
    queued = 0
    for zone, day in connection_zones_due():
        ids = nightly_claim(zone=zone, day=day)
        for chunk in _chunks(ids):
            device_sync_chunk_task.delay(chunk, SyncRun.Kind.NIGHTLY)
        queued += len(ids)
    return queued


@shared_task
def device_sync_refresh_task() -> int:
    """Queue "today so far" for every active connection not synced this period."""
    ids = connections_for_refresh()
    for chunk in _chunks(ids):
        device_sync_chunk_task.delay(chunk, SyncRun.Kind.HOURLY)
    return len(ids)


def webhook_syncs_queue(*, provider: str, events: list[WebhookEvent]) -> int:
    """Queue one sync per connected member a webhook event names (over the days it names,
    within the edit window), once the request's transaction commits. Returns how many."""
    queued = 0
    for event in events:
        ids = connections_for_external_users(
            provider=provider, external_user_ids=[event.external_user_id]
        )
        for connection_id in ids:
            args = (connection_id, SyncRun.Kind.WEBHOOK, str(event.start), str(event.end))
            transaction.on_commit(lambda args=args: device_sync_task.delay(*args))
            queued += 1
    return queued
