"""Writing the days a device reported, through activity_log, under the device rule
(daily.py: the device total stands; typed above it is flagged; a confirmed day is never
lowered)."""

import datetime as dt

from django.conf import settings
from django.db import transaction

from cohort.accounts.models import User
from cohort.activity.models import DailyActivity
from cohort.activity.services.daily import (
    DEVICE_SOURCES,
    activity_log,
    day_device_write_wanted,
    day_outside_path,
    edit_window_days,
)
from cohort.core.clock import user_today
from cohort.journeys.selectors import path_chain_get


def device_days_writable(*, user: User) -> list[dt.date]:
    """The days a sync may write for the member: the edit window, oldest first."""
    return sorted(edit_window_days(user_today(user)))


def activity_device_days_set(*, user: User, source: str, days: dict[dt.date, int]) -> list[dt.date]:
    """Write the days a device reported for `user` in one transaction (all or nothing): days
    outside the edit window or the path's dates, or above ACTIVITY_MAX_STEPS, are left out;
    unchanged days are not written. Returns the days written."""
    if source not in DEVICE_SOURCES:
        raise ValueError(f"{source} is not a device source")
    window = set(device_days_writable(user=user))
    chain = path_chain_get()
    wanted = {
        day: steps
        for day, steps in days.items()
        if day in window
        and 0 <= steps <= settings.ACTIVITY_MAX_STEPS
        and not day_outside_path(day, chain)
    }
    if not wanted:
        return []
    written: list[dt.date] = []
    with transaction.atomic():
        rows = (
            DailyActivity.objects.select_for_update()
            .filter(user=user, date__in=list(wanted))
            .values_list("date", "steps", "review", "source")
        )
        held = {day: (steps, review, old_source) for day, steps, review, old_source in rows}
        for day in sorted(wanted):
            steps = wanted[day]
            if day_device_write_wanted(before=held.get(day), steps=steps, source=source):
                activity_log(user=user, day=day, steps=steps, source=source)
                written.append(day)
    return written
