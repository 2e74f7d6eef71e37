"""The rule for a day a device and the member both set (services/daily.py, one place):
the device total stands; a count typed above it is flagged for the mentor; a sync never
lowers a confirmed day. Device days go through activity_log's bounds, window and flags."""

import datetime as dt

import pytest
from django.utils import timezone

from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory, mentor_of
from cohort.activity.models import DailyActivity
from cohort.activity.services.daily import (
    activity_log,
    activity_review,
    day_device_write_wanted,
    day_typed_over_device_cap,
)
from cohort.activity.services.device_days import activity_device_days_set
from cohort.core.clock import user_today
from cohort.journeys.models import Enrollment
from cohort.journeys.tests.factories import path_create
from cohort.notifications.models import Notification

GH = DailyActivity.Source.GOOGLE_HEALTH


@pytest.fixture
def member(db):
    path_create(start=timezone.localdate() - dt.timedelta(days=60))
    return MemberFactory(group=GroupFactory())


@pytest.fixture
def today(member):
    return user_today(member)


def _row(member, day):
    return DailyActivity.objects.get(user=member, date=day)


@pytest.mark.parametrize(
    ("before", "steps", "wanted"),
    [
        (None, 5, True),
        ((5, "", GH), 5, False),  # unchanged
        ((5, "", GH), 6, True),
        ((9_000, "", "web"), 5_000, True),  # the device total stands over a typed count
        ((9_000, "confirmed", "web"), 5_000, False),  # never lowers a confirmed day
        ((9_000, "confirmed", "web"), 9_500, True),
        ((9_000, "rejected", "web"), 5_000, True),
    ],
)
def test_when_a_sync_writes(before, steps, wanted):
    assert day_device_write_wanted(before=before, steps=steps, source=GH) is wanted


@pytest.mark.parametrize(
    ("before", "steps", "source", "cap"),
    [
        ((8_000, "", GH), 9_000, "web", 8_000),
        ((8_000, "", GH), 9_000, "api", 8_000),
        ((8_000, "", GH), 8_000, "web", None),
        ((8_000, "", "web"), 9_000, "web", None),
        ((8_000, "", GH), 9_000, "csv", None),
        (None, 9_000, "web", None),
    ],
)
def test_when_a_typed_count_is_capped(before, steps, source, cap):
    assert day_typed_over_device_cap(before=before, steps=steps, source=source) == cap


def test_device_days_move_progress_and_the_streak(member, today):
    days = {today: 4_000, today - dt.timedelta(days=1): 6_000}
    assert activity_device_days_set(user=member, source=GH, days=days) == sorted(days)
    assert Enrollment.objects.get(user=member).steps == 10_000
    assert _row(member, today).source == GH


def test_days_outside_the_window_or_bounds_are_left_out(member, today, settings):
    days = {
        today - dt.timedelta(days=settings.ACTIVITY_EDIT_WINDOW_DAYS): 1_000,  # before it
        today + dt.timedelta(days=1): 1_000,  # the future
        today: settings.ACTIVITY_MAX_STEPS + 1,  # above the bound
        today - dt.timedelta(days=1): 2_000,
    }
    written = activity_device_days_set(user=member, source=GH, days=days)
    assert written == [today - dt.timedelta(days=1)]


def test_typed_above_the_device_counts_the_device_until_confirmed(member, today):
    mentor = mentor_of(member.group)
    activity_device_days_set(user=member, source=GH, days={today: 8_000})
    typed = activity_log(user=member, day=today, steps=15_000)
    assert (typed.review, typed.counted_steps) == ("pending", 8_000)
    assert Enrollment.objects.get(user=member).steps == 8_000
    assert Notification.objects.filter(recipient=mentor).count() == 1
    activity_review(activity=typed, decision="confirmed", actor=StaffFactory())
    assert _row(member, today).counted_steps == 15_000
    # The device's later, lower total does not undo the mentor's decision.
    activity_device_days_set(user=member, source=GH, days={today: 8_100})
    assert _row(member, today).steps == 15_000


def test_the_next_sync_puts_the_device_total_back_over_a_pending_typed_count(member, today):
    activity_device_days_set(user=member, source=GH, days={today: 8_000})
    activity_log(user=member, day=today, steps=15_000)
    activity_device_days_set(user=member, source=GH, days={today: 8_200})
    row = _row(member, today)
    assert (row.steps, row.source, row.review) == (8_200, GH, "")


def test_a_non_device_source_is_refused(member, today):
    with pytest.raises(ValueError):
        activity_device_days_set(user=member, source="web", days={today: 1})
