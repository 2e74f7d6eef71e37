import datetime as dt

import pytest
import time_machine
from django.db.models import Sum

from cohort.accounts.models import User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.activity.models import DailyActivity
from cohort.activity.services.daily import activity_log, activity_review
from cohort.activity.services.imports import RawRow, activity_import
from cohort.activity.services.points import activity_points_settle_members, activity_source
from cohort.activity.services.recompute import progress_recompute_groups
from cohort.competition.models import Category, CategoryTotal, PointsEntry, Season
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 15)  # members' own day (America/Chicago) at the pinned moment


@pytest.fixture(autouse=True)
def _mid_march():
    with time_machine.travel(dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def season():
    return SeasonFactory(starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 31))


@pytest.fixture
def walking():
    return CategoryFactory(
        name="Walking", rule=Category.Rule.ACTIVITY, season_cap=300, points_per_day=10,
        min_steps=5_000,
    )  # fmt: skip


def _earned(member, season, category) -> int:
    source = activity_source(category, season, member.pk)
    return PointsEntry.objects.filter(source=source).aggregate(net=Sum("points"))["net"] or 0


def _day(back: int) -> dt.date:
    return TODAY - dt.timedelta(days=back)


def test_points_follow_a_day_down_and_up_with_one_ledger_source(season, walking):
    member = MemberFactory()
    organiser = StaffFactory()
    activity_log(user=member, day=_day(1), steps=6_000)
    assert _earned(member, season, walking) == 10
    activity_log(user=member, day=_day(1), steps=4_000)  # under the threshold
    assert _earned(member, season, walking) == 0
    activity_log(user=member, day=_day(1), steps=7_000)
    row = activity_log(user=member, day=_day(2), steps=8_000)
    assert _earned(member, season, walking) == 20
    row.review = DailyActivity.Review.PENDING
    row.save()
    activity_review(activity=row, decision="rejected", actor=organiser)
    assert _earned(member, season, walking) == 10
    entries = PointsEntry.objects.filter(user=member)
    assert {e.source for e in entries} == {activity_source(walking, season, member.pk)}
    assert [e.points for e in entries.order_by("id")] == [10, -10, 10, 10, -10]
    total = CategoryTotal.objects.get(user=member, season=season, category=walking)
    assert total.points == 10


def test_each_activity_category_has_its_own_threshold(season, walking):
    light = CategoryFactory(
        name="Moving", rule=Category.Rule.ACTIVITY, season_cap=100, points_per_day=2, min_steps=0
    )
    member = MemberFactory()
    for back, steps in ((1, 1_000), (2, 6_000), (3, 0)):
        activity_log(user=member, day=_day(back), steps=steps)
    assert _earned(member, season, walking) == 10
    assert _earned(member, season, light) == 4  # a day of 0 steps is not a counted day


def test_days_outside_any_open_season_earn_nothing(season, walking):
    finalised = SeasonFactory(
        starts_on=dt.date(2026, 2, 1), ends_on=dt.date(2026, 2, 28),
        status=Season.Status.FINALISED,
    )  # fmt: skip
    member = MemberFactory()
    organiser = StaffFactory()
    activity_log(user=member, day=dt.date(2026, 2, 27), steps=9_000, actor=organiser)
    activity_log(user=member, day=dt.date(2026, 1, 27), steps=9_000, actor=organiser)
    progress_recompute_groups(group_ids=[member.group_id])
    assert not PointsEntry.objects.filter(user=member).exists()
    assert _earned(member, finalised, walking) == 0


def test_the_nightly_run_settles_only_members_whose_points_differ(season, walking):
    group = GroupFactory()
    members = [MemberFactory(group=group) for _ in range(4)]
    for member in members:
        activity_log(user=member, day=_day(1), steps=6_000)
    # Days written behind the services' back (a restore, a bug): the nightly run settles them.
    DailyActivity.objects.bulk_create(
        [DailyActivity(user=members[0], date=_day(3), steps=9_000)]
        + [DailyActivity(user=members[1], date=_day(d), steps=5_000) for d in (4, 5)]
    )
    DailyActivity.objects.filter(user=members[2]).update(steps=100)
    progress_recompute_groups(group_ids=[group.pk])
    assert [_earned(m, season, walking) for m in members] == [20, 30, 0, 10]
    entries = PointsEntry.objects.count()
    progress_recompute_groups(group_ids=[group.pk])
    assert PointsEntry.objects.count() == entries


@pytest.mark.parametrize("size", [2, 20])
def test_settling_a_chunk_in_step_costs_two_queries_per_open_season(
    size, season, walking, django_assert_num_queries
):
    group = GroupFactory()
    members = [MemberFactory(group=group) for _ in range(size)]
    DailyActivity.objects.bulk_create(
        [DailyActivity(user=m, date=_day(1), steps=6_000) for m in members]
    )
    chunk = User.objects.filter(group=group)
    assert activity_points_settle_members(members=chunk) == size
    # The open seasons; then per season: the members' day counts, the ledger's net points.
    with django_assert_num_queries(3):
        assert activity_points_settle_members(members=chunk) == 0


def test_an_import_settles_the_members_it_touched(season, walking):
    member = MemberFactory()
    rows = [RawRow(1, member.email, _day(back).isoformat(), "7000") for back in (1, 2, 3)]
    result = activity_import(rows, source=DailyActivity.Source.CSV)
    assert result.written
    assert _earned(member, season, walking) == 30
