"""The overview's figures: sign-ins and logging today and this week, the quiet members by
group, what waits for review and since when, the season; a coordinator's are their
division's; the queries do not grow with the members."""

import datetime as dt

import pytest
from django.utils import timezone

from cohort.accounts.models import User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.activity.models import DailyActivity
from cohort.core.clock import programme_today
from cohort.organise.selectors import _overview_compute, overview_figures

pytestmark = pytest.mark.django_db


def _stamp(user, *, logged_days_ago=None, signed_in_days_ago=None):
    today = programme_today()
    fields = {}
    if logged_days_ago is not None:
        fields["last_logged_on"] = today - dt.timedelta(days=logged_days_ago)
    if signed_in_days_ago is not None:
        fields["last_login"] = timezone.now() - dt.timedelta(days=signed_in_days_ago)
    User.objects.filter(pk=user.pk).update(**fields)


def test_counts_signing_in_and_logging(console):
    mine = console.programme.students
    theirs = console.programme.others
    _stamp(mine[0], logged_days_ago=0, signed_in_days_ago=0)
    _stamp(mine[1], logged_days_ago=3, signed_in_days_ago=3)
    _stamp(theirs[0], logged_days_ago=1)
    _stamp(theirs[1], logged_days_ago=10, signed_in_days_ago=10)
    # console.leader: never logged, never signed in
    figures = overview_figures(viewer=console.organiser)
    assert figures.members == 5
    assert figures.signed_in_today == 1
    assert figures.signed_in_week == 2
    assert figures.logged_today == 1
    assert figures.logged_week == 3
    # 3 days without logging: logged 3 and 10 days ago, and the leader who never did
    assert figures.silent == 3
    by_group = {g.name: g.silent for g in figures.silent_groups}
    assert by_group == {console.programme.mine.name: 2, console.programme.theirs.name: 1}
    assert figures.silent_groups[0].name == console.programme.mine.name  # most first


def test_a_coordinator_sees_their_division_only(console):
    _stamp(console.programme.others[0], logged_days_ago=0)
    console.programme.pending(console.programme.others[0])
    figures = overview_figures(viewer=console.coordinator)
    assert figures.members == 3  # the two students and the leader of North's group
    assert figures.logged_today == 0
    assert figures.submissions.count == 0
    assert {g.name for g in figures.silent_groups} == {console.programme.mine.name}


def test_a_coordinator_without_a_division_sees_nothing(console):
    console.coordinator.division = None
    console.coordinator.save(update_fields=["division"])
    figures = overview_figures(viewer=console.coordinator)
    assert figures.members == 0 and figures.silent_groups == []


def test_waiting_work_and_its_age(console):
    submission = console.programme.pending(console.programme.students[0])
    week_ago = timezone.now() - dt.timedelta(days=7, hours=1)
    type(submission).objects.filter(pk=submission.pk).update(created_at=week_ago)
    console.programme.pending(console.programme.others[0])
    DailyActivity.objects.create(
        user=console.programme.students[1], date=programme_today(), steps=90_000,
        review=DailyActivity.Review.PENDING, plausible_steps=20_000,
    )  # fmt: skip
    figures = overview_figures(viewer=console.organiser)
    assert figures.submissions.count == 2
    assert figures.submissions.oldest_days == 7
    assert figures.flags.count == 1
    assert figures.flags.oldest_days == 0


def test_the_page_shows_the_season_and_the_jobs(console, as_user):
    body = as_user(console.organiser).get("/organise/").content.decode()
    assert console.programme.season.name in body
    assert "is active until" in body
    for job in ["update-progress-nightly", "recompute-analytics", "prune-old-records"]:
        assert f'data-job="{job}"' in body


def test_figures_are_cached_for_a_minute(console, django_assert_num_queries):
    overview_figures(viewer=console.organiser)
    MemberFactory(group=console.programme.mine)
    with django_assert_num_queries(0):
        assert overview_figures(viewer=console.organiser).members == 5


def _members(groups: int):
    for _ in range(groups):
        group = GroupFactory()
        for days in (0, 5):
            _stamp(MemberFactory(group=group), logged_days_ago=days, signed_in_days_ago=days)


@pytest.mark.parametrize("groups", [1, 10])
def test_five_queries_whatever_the_number_of_members(db, groups, django_assert_num_queries):
    _members(groups)
    # 1 the members' counts, 2 the quiet ones by group, 3 those groups' names, 4 the flagged
    # days, 5 the submissions
    with django_assert_num_queries(5):
        figures = _overview_compute(None)
    assert figures.members == 2 * groups
