"""`POST /api/v1/devices/apple-health`: a member's phone sends its Apple Health steps (the
Health Auto Export app's REST automation) with a personal token of scope activity:write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage
from ninja import Field, Router, Schema

from cohort.accounts.auth import activity_write
from cohort.core.exceptions import RateLimited
from cohort.core.http import client_ip
from cohort.devices.apple_health import apple_health_days, apple_health_import

router = Router(tags=["devices"])


class AppleHealthMetricsIn(Schema):
    metrics: list[dict[str, Any]] = Field(
        ...,
        description='each {"name", "units", "data": [...]}; only "step_count" is read, its '
        'data entries {"qty": number, "date": "yyyy-MM-dd HH:mm:ss Z"}',
    )


class AppleHealthIn(Schema):
    """Health Auto Export's REST automation body (JSON export format)."""

    data: AppleHealthMetricsIn


class AppleHealthDayOut(Schema):
    date: dt.date
    steps: int


class AppleHealthRefusedOut(AppleHealthDayOut):
    detail: str


class AppleHealthOut(Schema):
    written: list[AppleHealthDayOut]
    unchanged: list[AppleHealthDayOut]
    refused: list[AppleHealthRefusedOut]


@router.post(
    "/devices/apple-health",
    response=AppleHealthOut,
    auth=activity_write,
    summary="Apple Health steps from the Health Auto Export app",
)
def apple_health_post(request: HttpRequest, payload: AppleHealthIn):
    """Takes Health Auto Export's JSON (`{"data": {"metrics": [{"name": "step_count",
    "units": "count", "data": [{"qty": 312, "date": "2026-12-03 07:15:00 +0100"}]}]}}`).
    Entries are summed into the member's own days (their time zone); each day is set, not
    added, so sending the same payload again changes nothing. Other metrics are ignored.
    Days that cannot be logged (before the edit window, in the future) are listed under
    `refused` with the reason; 422 names what is wrong with a malformed body."""
    _rate_limit(request)
    days = apple_health_days(payload.dict(), time_zone=request.user.time_zone)
    result = apple_health_import(user=request.user, days=days, ip=client_ip(request))
    return {
        "written": [{"date": d, "steps": s} for d, s in result.written],
        "unchanged": [{"date": d, "steps": s} for d, s in result.unchanged],
        "refused": [{"date": d, "steps": s, "detail": why} for d, s, why in result.refused],
    }


def _rate_limit(request: HttpRequest) -> None:
    """One run of the app is one request: limited like the member's other activity writes
    (ACTIVITY_UPDATES_PER_MEMBER), in a counter of its own."""
    try:
        usage = get_usage(
            request,
            group="apple-health-write",
            key=lambda _g, r: str(r.user.pk),
            rate=settings.ACTIVITY_UPDATES_PER_MEMBER,
            increment=True,
        )
    except Exception:
        return  # degraded mode: cache down, no limit
    if usage and usage["should_limit"]:
        raise RateLimited(_("Too many updates; wait a minute."), retry_after=usage["time_left"])
