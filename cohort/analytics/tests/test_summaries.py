"""The summaries against figures worked out here from the data the test builds."""

import pytest

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.analytics.models import (
    DailyGroupSummary,
    MentorWorkload,
    PathProgressSummary,
    SeasonCategorySummary,
    SubmissionStatusSummary,
)
from cohort.analytics.services import analytics_recompute, analytics_today_refresh
from cohort.analytics.tests.factories import day, enroll, log, world
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory, points_give
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db

MODELS = [
    DailyGroupSummary,
    PathProgressSummary,
    SeasonCategorySummary,
    SubmissionStatusSummary,
    MentorWorkload,
]


def _snapshot() -> list:
    return [sorted(m.objects.values_list()) for m in MODELS]


def test_daily_rows_count_active_members_total_and_average():
    group = GroupFactory()
    a, b, c = (MemberFactory(group=group) for _ in range(3))
    log(a, 0, 1000)
    log(b, 0, 2001)
    log(c, 0, 0)  # logged, but not active
    log(c, 1, 4000, review="rejected")  # counts for nothing
    log(a, 1, 300)

    analytics_recompute()

    today = DailyGroupSummary.objects.get(group=group, date=day(0))
    assert (today.active_members, today.total_steps, today.average_steps) == (2, 3001, 1500)
    yesterday = DailyGroupSummary.objects.get(group=group, date=day(1))
    assert (yesterday.active_members, yesterday.total_steps, yesterday.average_steps) == (
        1,
        300,
        300,
    )


def test_progress_buckets_split_at_each_tenth_and_finished():
    path = path_create()
    group = GroupFactory()
    for progress, finished in [
        ("0", False),
        ("9.99", False),
        ("10", False),
        ("95", False),
        ("100", False),
        ("40", True),
    ]:
        enroll(MemberFactory(group=group), path, progress, finished=finished)

    analytics_recompute()

    counts = dict(
        PathProgressSummary.objects.filter(path=path, group=group).values_list("bucket", "members")
    )
    assert counts == {0: 2, 1: 1, 9: 1, PathProgressSummary.FINISHED: 2}


def test_season_points_total_and_members_with_points():
    season, walking = SeasonFactory(), CategoryFactory(name="Walking")
    group = GroupFactory()
    a, b, _ = (MemberFactory(group=group) for _ in range(3))
    points_give(a, season, walking, 30)
    points_give(b, season, walking, 12)

    analytics_recompute()

    row = SeasonCategorySummary.objects.get(season=season, category=walking, group=group)
    assert (row.points_total, row.members_with_points) == (42, 2)


def test_submissions_by_status_and_mentor_workload():
    made = world(groups=2)
    season = made["season"]

    analytics_recompute()

    by_status = {}
    for status, n in SubmissionStatusSummary.objects.filter(season=season).values_list(
        "status", "submissions"
    ):
        by_status[status] = by_status.get(status, 0) + n
    assert by_status == {"pending": 4, "approved": 2}
    assert sorted(MentorWorkload.objects.values_list("students", "pending_reviews", "band")) == [
        (3, 2, "light"),
        (3, 2, "light"),
    ]


def test_second_run_writes_nothing():
    world(groups=2)
    first = analytics_recompute()
    assert sum(c.written for c in first.values()) > 0
    before = _snapshot()

    second = analytics_recompute()

    assert sum(c.written for c in second.values()) == 0
    assert _snapshot() == before


def test_dry_run_reports_changes_and_writes_nothing():
    world(groups=2)
    changes = analytics_recompute(dry_run=True)
    assert changes["daily"].created == 4  # 2 groups x 2 days
    assert all(m.objects.count() == 0 for m in MODELS)


def test_changed_rows_updated_and_vanished_rows_deleted():
    made = world(groups=1)
    analytics_recompute()
    group, (a, b, c) = made["groups"][0]
    a.daily_activity.filter(date=day(0)).update(steps=9000)
    b.daily_activity.filter(date=day(1)).delete()
    c.daily_activity.filter(date=day(1)).delete()
    a.daily_activity.filter(date=day(1)).delete()

    changes = analytics_recompute()

    assert (changes["daily"].updated, changes["daily"].deleted) == (1, 1)
    assert DailyGroupSummary.objects.get(group=group, date=day(0)).total_steps == 9000 + 2000 + 3000
    assert not DailyGroupSummary.objects.filter(date=day(1)).exists()


def test_today_refresh_touches_only_recent_days_of_the_group():
    made = world(groups=2)
    (group, members), (other, _) = made["groups"]
    log(members[0], 5, 777)

    analytics_today_refresh(group_id=group.pk)

    assert set(DailyGroupSummary.objects.values_list("group_id", flat=True)) == {group.pk}
    assert not DailyGroupSummary.objects.filter(date=day(5)).exists()
