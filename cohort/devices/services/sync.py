"""Syncing one member's days from one provider, and recording how it went.

The network comes first, outside any transaction; then the days (through the activity app's
device rule) and the connection's new state are written in one transaction, so a failure at
any point leaves the member's days and the connection as they were (only a refreshed token
is kept: the provider may have retired the old one).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohort.activity.models import DailyActivity
from cohort.activity.services.device_days import activity_device_days_set, device_days_writable
from cohort.core.exceptions import InvalidInput, PermissionDenied
from cohort.devices.models import DeviceConnection, SyncRun
from cohort.devices.providers import get_provider
from cohort.devices.providers.base import (
    REQUEST_HOOK,
    BadResponse,
    GrantRevoked,
    Provider,
    RateLimited,
    TemporaryError,
    TokenExpired,
    Tokens,
)
from cohort.devices.services.pacing import provider_cooldown_set, request_slot_take
from cohort.notifications.services import NotificationDraft, notifications_create

log = logging.getLogger(__name__)

# Refresh an access token that expires within this many seconds before using it.
REFRESH_MARGIN_SECONDS = 300
_BACKOFF_BASE_SECONDS = 30
_BACKOFF_MAX_SECONDS = 3600


@dataclass
class SyncResult:
    outcome: str  # a SyncRun.Outcome, or "skipped"
    days_written: int = 0
    requests: int = 0
    retry_in: float = 0.0  # seconds, for a RETRY outcome
    error: str = ""


def backoff_seconds(failures: int) -> float:
    """30 s, 60 s, 120 s ... up to an hour, after `failures` failures in a row."""
    return float(min(_BACKOFF_MAX_SECONDS, _BACKOFF_BASE_SECONDS * 2 ** max(0, failures - 1)))


def _days_range(user, kind: str, start: dt.date | None, end: dt.date | None):
    writable = device_days_writable(user=user)
    if kind == SyncRun.Kind.HOURLY:
        writable = writable[-2:]  # yesterday (late uploads) and today so far
    first, last = writable[0], writable[-1]
    if start is not None:
        first = max(first, start)
    if end is not None:
        last = min(last, end)
    return first, last


class _Counter:
    def __init__(self) -> None:
        self.requests = 0

    def __call__(self, provider: Provider) -> None:
        request_slot_take(provider)
        self.requests += 1


class _Held:
    """The tokens in use: a refresh replaces them, and a failure after it still keeps them
    (the provider may have retired the old ones)."""

    def __init__(self, tokens: Tokens) -> None:
        self.tokens = tokens


def _fetch(
    provider: Provider, held: _Held, *, start: dt.date, end: dt.date, time_zone: str
) -> dict[dt.date, int]:
    """The days, refreshing the token before expiry and once on a 401 (into `held`)."""
    if not held.tokens.access_token:
        raise GrantRevoked(_("The connection holds no usable token: reconnect to sync again."))
    refreshed = False
    if held.tokens.expires_within(REFRESH_MARGIN_SECONDS):
        held.tokens, refreshed = provider.refresh(held.tokens), True
    try:
        return provider.daily_steps(held.tokens, start=start, end=end, time_zone=time_zone)
    except TokenExpired:
        if refreshed:
            raise GrantRevoked(
                _("%(provider)s refused a fresh token: reconnect to sync again.")
                % {"provider": provider.label}
            ) from None
    held.tokens = provider.refresh(held.tokens)
    try:
        return provider.daily_steps(held.tokens, start=start, end=end, time_zone=time_zone)
    except TokenExpired as error:
        raise GrantRevoked(error.detail) from error


def device_sync(
    *,
    connection_id: int,
    kind: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    force: bool = False,
) -> SyncResult:
    """Sync one connection's days (the edit window; the last two days for the hourly
    refresh; `start`..`end` within it for a webhook). Skips a connection that is not active,
    whose provider is not enabled, or that waits for its retry time (unless `force`)."""
    conn = DeviceConnection.objects.select_related("user").filter(pk=connection_id).first()
    provider = get_provider(conn.provider) if conn else None
    now = timezone.now()
    if conn is None or provider is None or not provider.enabled():
        return SyncResult("skipped")
    if conn.status != DeviceConnection.Status.ACTIVE:
        return SyncResult("skipped")
    if not force and conn.retry_not_before and conn.retry_not_before > now:
        return SyncResult("skipped", retry_in=(conn.retry_not_before - now).total_seconds())
    first, last = _days_range(conn.user, kind, start, end)
    if first > last:
        return SyncResult("skipped")
    started = time.perf_counter()
    counter = _Counter()
    token = REQUEST_HOOK.set(counter)
    held = _Held(conn.tokens)
    try:
        days = _fetch(provider, held, start=first, end=last, time_zone=conn.user.time_zone)
        result = _store_days(conn, held.tokens, days, kind=kind, requests=counter.requests)
    except GrantRevoked as error:
        result = _grant_broken(conn, error.detail, kind=kind, requests=counter.requests)
    except (RateLimited, TemporaryError, BadResponse, TokenExpired) as error:
        if isinstance(error, RateLimited):
            provider_cooldown_set(provider=provider, seconds=error.retry_after)
        result = _failed(conn, error, kind=kind, requests=counter.requests, tokens=held.tokens)
    except (InvalidInput, PermissionDenied) as error:
        result = _failed(conn, error, kind=kind, requests=counter.requests, tokens=held.tokens)
    finally:
        REQUEST_HOOK.reset(token)
    SyncRun.objects.create(
        user_id=conn.user_id,
        provider=conn.provider,
        kind=kind,
        started_at=now,
        duration_ms=int((time.perf_counter() - started) * 1000),
        days_written=result.days_written,
        requests=result.requests,
        outcome=result.outcome,
        error=result.error[:300],
    )
    return result


def _store_days(
    conn: DeviceConnection, tokens: Tokens, days: dict[dt.date, int], *, kind: str, requests: int
) -> SyncResult:
    """The days and the connection's success in one transaction."""
    now = timezone.now()
    with transaction.atomic():
        locked = DeviceConnection.objects.select_for_update().get(pk=conn.pk)
        if locked.status != DeviceConnection.Status.ACTIVE:  # disconnected meanwhile
            return SyncResult("skipped", requests=requests)
        written = activity_device_days_set(user=conn.user, source=conn.provider, days=days)
        if tokens != conn.tokens:
            locked.tokens_set(tokens)
        locked.last_sync_at = locked.last_sync_ok_at = now
        locked.days_filled = DailyActivity.objects.filter(
            user_id=conn.user_id, source=conn.provider
        ).count()
        locked.failures, locked.last_error, locked.retry_not_before = 0, "", None
        locked.save()
    return SyncResult(SyncRun.Outcome.OK, days_written=len(written), requests=requests)


def _failed(
    conn: DeviceConnection, error: Exception, *, kind: str, requests: int, tokens: Tokens
) -> SyncResult:
    """A failure worth retrying later (or a day the activity rules refused): no day written;
    the connection records the error and when to try again."""
    detail = getattr(error, "detail", None) or str(error)
    now = timezone.now()
    with transaction.atomic():
        locked = DeviceConnection.objects.select_for_update().get(pk=conn.pk)
        if locked.status != DeviceConnection.Status.ACTIVE:
            return SyncResult("skipped", requests=requests)
        if tokens != conn.tokens:
            locked.tokens_set(tokens)  # a refresh that worked before the failure
        locked.failures += 1
        wait = backoff_seconds(locked.failures)
        if isinstance(error, RateLimited):
            wait = max(wait, error.retry_after)
        locked.last_sync_at = now
        locked.last_error = str(detail)[:300]
        locked.retry_not_before = now + dt.timedelta(seconds=wait)
        locked.save()
    retryable = isinstance(error, (RateLimited, TemporaryError))
    outcome = SyncRun.Outcome.RETRY if retryable else SyncRun.Outcome.FAILED
    return SyncResult(outcome, requests=requests, retry_in=wait, error=str(detail))


def reconnect_notice_key(conn: DeviceConnection) -> str:
    """One notice per broken grant: a connection that is reconnected and breaks again is
    announced again."""
    stamp = int(conn.connected_at.timestamp()) if conn.connected_at else 0
    return f"device-reconnect:{conn.pk}:{stamp}"


def _grant_broken(conn: DeviceConnection, detail: str, *, kind: str, requests: int) -> SyncResult:
    """The grant is gone: tokens erased, "reconnect needed", the member told once; no more
    syncs until they reconnect."""
    now = timezone.now()
    provider = get_provider(conn.provider)
    label = provider.label if provider else conn.provider
    with transaction.atomic():
        locked = DeviceConnection.objects.select_for_update().get(pk=conn.pk)
        if locked.status != DeviceConnection.Status.ACTIVE:
            return SyncResult("skipped", requests=requests)
        locked.tokens_set(None)
        locked.status = DeviceConnection.Status.RECONNECT
        locked.last_sync_at = now
        locked.last_error = detail[:300]
        locked.retry_not_before = None
        locked.save()
        notifications_create(
            drafts=[
                NotificationDraft(
                    recipient_id=conn.user_id,
                    text=_("%(provider)s stopped sharing your steps: reconnect it to sync again.")
                    % {"provider": label},
                    link="/profile/devices/",
                    dedupe_key=reconnect_notice_key(locked),
                )
            ]
        )
    return SyncResult(SyncRun.Outcome.RECONNECT, requests=requests, error=detail)


def device_sync_many(
    *, connection_ids: list[int], kind: str
) -> tuple[dict[str, int], list[tuple[int, float]]]:
    """Sync each connection in turn (one chunk of a fan-out). Returns the outcomes counted
    and the (connection, seconds) of those to try again. A connection that fails for an
    unexpected reason is logged and the chunk goes on."""
    counts: dict[str, int] = {}
    retries: list[tuple[int, float]] = []
    for connection_id in connection_ids:
        try:
            result = device_sync(connection_id=connection_id, kind=kind)
        except Exception:  # one member's unexpected failure must not stop the chunk
            log.exception("devices: the sync of connection %s failed", connection_id)
            result = SyncResult(SyncRun.Outcome.FAILED)
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
        if result.outcome == SyncRun.Outcome.RETRY:
            retries.append((connection_id, result.retry_in))
    return counts, retries
