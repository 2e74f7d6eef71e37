"""A flagged day counts at most the member's plausible maximum (their flag threshold) until
a mentor confirms it; a rejected day stays rejected when logged again at the same or a
higher count, and comes back only at a lower count that would not be flagged."""

import datetime as dt

import pytest
import time_machine
from django.db.models import Sum

from cohort.accounts.tests.factories import MemberFactory, StaffFactory
from cohort.activity.models import DailyActivity, Streak
from cohort.activity.services.daily import activity_log, activity_review
from cohort.activity.services.imports import RawRow, activity_import
from cohort.activity.services.points import activity_source
from cohort.activity.services.recompute import progress_recompute_users
from cohort.competition.models import Category, PointsEntry
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory
from cohort.journeys.models import Enrollment
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 15)  # the member's own day (America/Chicago) at the pinned moment
THRESHOLD = 20_000


@pytest.fixture(autouse=True)
def _mid_march(settings):
    settings.ACTIVITY_FLAG_STEPS = THRESHOLD
    with time_machine.travel(dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def member():
    path_create(start=dt.date(2026, 1, 1))
    return MemberFactory()


@pytest.fixture
def marathon():
    """One point a day for days of 25,000+ steps, in a season holding TODAY."""
    season = SeasonFactory(starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 31))
    category = CategoryFactory(
        name="Marathon", rule=Category.Rule.ACTIVITY, season_cap=300, points_per_day=1,
        min_steps=25_000,
    )  # fmt: skip
    return season, category


def _steps(member) -> int:
    return Enrollment.objects.get(user=member).steps


def _points(member, marathon) -> int:
    season, category = marathon
    source = activity_source(category, season, member.pk)
    return PointsEntry.objects.filter(source=source).aggregate(net=Sum("points"))["net"] or 0


def test_a_flagged_day_counts_at_most_the_threshold_until_confirmed(member, marathon):
    row = activity_log(user=member, day=TODAY, steps=25_000)
    assert row.review == DailyActivity.Review.PENDING
    assert row.counted_steps == THRESHOLD
    assert _steps(member) == THRESHOLD
    assert _points(member, marathon) == 0  # 25,000 steps are not counted yet
    activity_review(activity=row, decision="confirmed", actor=StaffFactory())
    assert _steps(member) == 25_000
    assert _points(member, marathon) == 1


def test_a_flagged_day_counts_at_most_the_members_own_plausible_maximum(member, settings):
    settings.ACTIVITY_FLAG_MIN_SPREAD = 500
    organiser = StaffFactory()
    for back in range(1, 11):
        activity_log(user=member, day=TODAY - dt.timedelta(days=back), steps=5_000, actor=organiser)
    row = activity_log(user=member, day=TODAY, steps=9_000)
    assert row.review == DailyActivity.Review.PENDING
    assert row.counted_steps == 6_500  # mean 5,000 + 3 x the 500 floor of the spread
    assert _steps(member) == 50_000 + 6_500


def test_the_nightly_recompute_counts_a_flagged_day_like_the_log_does(member, marathon):
    activity_log(user=member, day=TODAY, steps=25_000)
    Enrollment.objects.filter(user=member).update(steps=0, distance=0, progress=0)
    Streak.objects.filter(user=member).delete()
    progress_recompute_users(user_ids=[member.pk])
    assert _steps(member) == THRESHOLD
    assert _points(member, marathon) == 0
    assert Streak.objects.get(user=member, kind="activity").current == 1


@pytest.mark.parametrize("again", [25_000, 30_000])
def test_a_rejected_day_logged_again_at_the_same_or_a_higher_count_stays_rejected(
    member, marathon, again
):
    row = activity_log(user=member, day=TODAY, steps=25_000)
    activity_review(activity=row, decision="rejected", actor=StaffFactory())
    assert _steps(member) == 0
    row = activity_log(user=member, day=TODAY, steps=again)
    assert row.review == DailyActivity.Review.REJECTED
    assert row.counted_steps == 0
    assert _steps(member) == 0
    assert _points(member, marathon) == 0
    assert not Streak.objects.filter(user=member, kind="activity", current__gt=0).exists()


def test_a_rejected_day_logged_again_lower_but_still_flagged_stays_rejected(member):
    row = activity_log(user=member, day=TODAY, steps=30_000)
    activity_review(activity=row, decision="rejected", actor=StaffFactory())
    row = activity_log(user=member, day=TODAY, steps=THRESHOLD + 1)
    assert row.review == DailyActivity.Review.REJECTED
    assert _steps(member) == 0


def test_a_rejected_day_logged_again_at_a_plausible_lower_count_counts_normally(member):
    row = activity_log(user=member, day=TODAY, steps=25_000)
    activity_review(activity=row, decision="rejected", actor=StaffFactory())
    row = activity_log(user=member, day=TODAY, steps=THRESHOLD)
    assert row.review == DailyActivity.Review.NONE
    assert _steps(member) == THRESHOLD


def test_a_confirmed_day_logged_again_at_the_same_count_stays_confirmed(member):
    row = activity_log(user=member, day=TODAY, steps=25_000)
    activity_review(activity=row, decision="confirmed", actor=StaffFactory())
    row = activity_log(user=member, day=TODAY, steps=25_000)
    assert row.review == DailyActivity.Review.CONFIRMED
    assert _steps(member) == 25_000


def test_an_import_does_not_undo_a_rejection(member):
    row = activity_log(user=member, day=TODAY, steps=25_000)
    activity_review(activity=row, decision="rejected", actor=StaffFactory())
    activity_import([RawRow(2, member.email, TODAY.isoformat(), "26000")], source="csv")
    row.refresh_from_db()
    assert (row.steps, row.review, row.counted_steps) == (26_000, "rejected", 0)
    assert _steps(member) == 0


def test_an_imported_flagged_day_counts_at_most_the_threshold(member):
    activity_import([RawRow(2, member.email, TODAY.isoformat(), "26000")], source="csv")
    row = DailyActivity.objects.get(user=member, date=TODAY)
    assert (row.review, row.counted_steps) == ("pending", THRESHOLD)
    assert _steps(member) == THRESHOLD
