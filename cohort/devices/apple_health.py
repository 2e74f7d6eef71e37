"""Apple Health, which has no web API: the member's phone posts its steps to us.

The Health Auto Export app's REST automation sends
`{"data": {"metrics": [{"name": "step_count", "units": "count", "data": [{"qty": 312,
"date": "2026-12-03 07:15:00 +0100"}, ...]}, ...]}}` and re-sends yesterday and today on
every run. Each entry is placed on the member's own calendar day (their time zone, whatever
offset the entry's date carries), the entries of a day are summed, and each day's total is
SET (not added) through the activity app's `activity_log`, with source `apple_health`,
under the device rule (`day_device_write_wanted`), so
the same bounds, edit window, plausibility flags and progress, streak and points updates
apply as to a typed day. All the days of one payload are written in one transaction; a day
that already holds the same steps from Apple Health is left untouched, so the same payload
twice changes nothing. Other metrics are ignored. An entry repeated exactly (same time,
count and source) counts once: the app sends a sample again when its export overlaps.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cohort.accounts.models import User
from cohort.activity.models import DailyActivity
from cohort.activity.services.daily import (
    activity_log,
    activity_validate,
    day_device_write_wanted,
)
from cohort.core.clock import zone_for
from cohort.core.exceptions import InvalidInput
from cohort.journeys.selectors import path_chain_get

STEP_METRIC = "step_count"


@dataclass
class AppleHealthResult:
    written: list[tuple[dt.date, int]] = field(default_factory=list)
    unchanged: list[tuple[dt.date, int]] = field(default_factory=list)
    refused: list[tuple[dt.date, int, str]] = field(default_factory=list)  # with the reason


def apple_health_days(payload: Any, *, time_zone: str) -> dict[dt.date, int]:
    """Steps per civil day in `time_zone` from a Health Auto Export payload. InvalidInput
    naming the first thing that is wrong (its place in the payload) when it is not one."""
    metrics = _metrics(payload)
    zone = zone_for(time_zone)
    totals: dict[dt.date, float] = {}
    seen: set[tuple[dt.datetime, float, str]] = set()
    for m, metric in enumerate(metrics):
        where = f"data.metrics[{m}]"
        if not isinstance(metric, dict) or not isinstance(metric.get("name"), str):
            raise InvalidInput(_("%(where)s needs a name.") % {"where": where})
        if metric["name"] != STEP_METRIC:
            continue
        units = metric.get("units", "count")
        if units != "count":
            raise InvalidInput(
                _('%(where)s.units must be "count" for step_count.') % {"where": where}
            )
        entries = metric.get("data")
        if not isinstance(entries, list):
            raise InvalidInput(_("%(where)s.data must be a list.") % {"where": where})
        for e, entry in enumerate(entries):
            moment, qty, source = _entry(entry, f"{where}.data[{e}]")
            if (moment, qty, source) in seen:
                continue
            seen.add((moment, qty, source))
            day = moment.astimezone(zone).date()
            totals[day] = totals.get(day, 0.0) + qty
    return {day: round(total) for day, total in sorted(totals.items())}


def apple_health_import(
    *, user: User, days: dict[dt.date, int], ip: str | None = None
) -> AppleHealthResult:
    """Set each of `days` for `user` from Apple Health in one transaction: days that cannot
    be logged (before the edit window, in the future, outside the path, too many steps) are
    refused with the reason and the rest are written; a day already holding the same steps
    from Apple Health is left as it is. A staff account raises PermissionDenied."""
    result = AppleHealthResult()
    chain = path_chain_get()
    valid: dict[dt.date, int] = {}
    for day, steps in days.items():
        try:
            activity_validate(user=user, day=day, steps=steps, is_correction=False, chain=chain)
        except InvalidInput as refusal:
            result.refused.append((day, steps, str(refusal.detail)))
            continue
        valid[day] = steps
    source = DailyActivity.Source.APPLE_HEALTH
    with transaction.atomic():
        # The same rule as every device's sync (activity.services.daily): unchanged days are
        # not written again and a day a mentor confirmed is never lowered.
        held = {
            day: (steps, review, old_source)
            for day, steps, review, old_source in DailyActivity.objects.select_for_update()
            .filter(user=user, date__in=list(valid))
            .values_list("date", "steps", "review", "source")
        }
        for day, steps in sorted(valid.items()):
            if not day_device_write_wanted(before=held.get(day), steps=steps, source=source):
                result.unchanged.append((day, steps))
                continue
            activity_log(user=user, day=day, steps=steps, source=source, ip=ip)
            result.written.append((day, steps))
    return result


def _metrics(payload: Any) -> list:
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        raise InvalidInput(_('The body must be {"data": {"metrics": [...]}}.'))
    metrics = payload["data"].get("metrics")
    if not isinstance(metrics, list):
        raise InvalidInput(_("data.metrics must be a list."))
    return metrics


def _entry(entry: Any, where: str) -> tuple[dt.datetime, float, str]:
    if not isinstance(entry, dict):
        raise InvalidInput(_("%(where)s must be an object with qty and date.") % {"where": where})
    qty = entry.get("qty")
    if isinstance(qty, bool) or not isinstance(qty, (int, float)) or not math.isfinite(qty):
        raise InvalidInput(_("%(where)s.qty must be a number.") % {"where": where})
    if qty < 0:
        raise InvalidInput(_("%(where)s.qty cannot be negative.") % {"where": where})
    try:
        moment = dt.datetime.strptime(str(entry.get("date")), "%Y-%m-%d %H:%M:%S %z")
    except ValueError as error:
        raise InvalidInput(
            _('%(where)s.date must look like "2026-12-03 07:15:00 +0100".') % {"where": where}
        ) from error
    source = entry.get("source")
    return moment, float(qty), source if isinstance(source, str) else ""
