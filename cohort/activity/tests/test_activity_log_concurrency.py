"""Logging days under real concurrency (threads, each with its own PostgreSQL connection):
the same member's same day at once, and members of one group at once, leave every derived
total exact: the day, the enrollment, the streak and the Redis boards."""

import datetime as dt

import pytest
from django.db.models import Sum

from cohort.activity.models import DailyActivity, Streak
from cohort.activity.services.daily import activity_log
from cohort.activity.services.streaks import streak_compute
from cohort.competition.leaderboards import store
from cohort.competition.leaderboards.services import leaderboards_rebuild
from cohort.competition.leaderboards.standings import GROUPS, PROGRESS, group_scores
from cohort.competition.tests.factories import walkers_on_path
from cohort.core.clock import user_today
from cohort.core.testing import race
from cohort.journeys.models import Enrollment

pytestmark = pytest.mark.django_db(transaction=True)


def _board(client, path_id: int, board: str) -> dict[int, int]:
    rows = client.zrange(f"leaderboard:{path_id}:{board}", 0, -1, withscores=True)
    return {10**12 - int(member): int(score) for member, score in rows}


def _assert_exact(members, path, client) -> None:
    for member in members:
        counted = DailyActivity.objects.filter(user=member).aggregate(s=Sum("counted_steps"))
        enrollment = Enrollment.objects.get(user=member, path=path)
        assert enrollment.steps == (counted["s"] or 0)
        days = DailyActivity.objects.filter(user=member, counted_steps__gt=0)
        numbers = streak_compute(days.values_list("date", flat=True), today=user_today(member))
        streak = Streak.objects.get(user=member, kind=Streak.Kind.ACTIVITY)
        assert (streak.current, streak.longest) == (numbers.current, numbers.longest)
        assert _board(client, path.id, PROGRESS)[member.pk] == int(enrollment.distance * 100)
    groups = group_scores(path.id, group_ids={m.group_id for m in members})
    on_board = _board(client, path.id, GROUPS)
    assert {g: on_board[g] for g in groups} == {g: found[0] for g, found in groups.items()}


def test_the_same_member_logging_the_same_new_day_at_once_keeps_one_row_and_exact_totals(
    postgres_only, redis_leaderboards
):
    path, (member,) = walkers_on_path([0])
    leaderboards_rebuild()
    today = user_today(member)

    results, errors = race(lambda n: activity_log(user=member, day=today, steps=1_000 + n), 8)

    assert errors == []
    row = DailyActivity.objects.get(user=member, date=today)
    assert row.steps in {r.steps for r in results}
    _assert_exact([member], path, store.client())


def test_members_of_one_group_logging_at_once_keep_their_group_total_exact(
    postgres_only, redis_leaderboards
):
    path, members = walkers_on_path([0] * 10)
    leaderboards_rebuild()
    today = user_today(members[0])

    def log(n: int):
        member = members[n % 10]
        return activity_log(user=member, day=today - dt.timedelta(days=n // 10), steps=500 + n)

    results, errors = race(log, 20)

    assert errors == []
    assert len(results) == 20
    _assert_exact(members, path, store.client())
