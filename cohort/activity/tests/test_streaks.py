import datetime as dt
import json
import random

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.accounts.models import User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.activity.models import DailyActivity, Streak
from cohort.activity.services.daily import activity_log, activity_review
from cohort.activity.services.recompute import progress_recompute_groups
from cohort.activity.services.streaks import (
    NO_STREAK,
    StreakNumbers,
    activity_streaks_refresh,
    days_signature,
    streak_compute,
)
from cohort.core.clock import user_today
from cohort.notifications.models import Notification

pytestmark = pytest.mark.django_db

D = dt.date(2026, 3, 10)


def _days(*offsets: int) -> list[dt.date]:
    return [D - dt.timedelta(days=o) for o in offsets]


@pytest.mark.parametrize(
    ("offsets", "expected"),
    [
        ((), NO_STREAK),
        ((0,), StreakNumbers(1, 1, D)),
        ((1, 2, 3), StreakNumbers(3, 3, D - dt.timedelta(days=1))),  # today not yet logged
        ((2, 3, 4), StreakNumbers(0, 3, D - dt.timedelta(days=2))),  # yesterday missed
        ((0, 1, 3, 4, 5, 6), StreakNumbers(2, 4, D)),  # a gap: the longer run is older
        ((0, 0, 1, 1), StreakNumbers(2, 2, D)),  # duplicates count once
        ((5, 0, 3, 1, 4), StreakNumbers(2, 3, D)),  # any order
    ],
)
def test_streak_compute(offsets, expected):
    found = streak_compute(_days(*offsets), today=D)
    assert (found.current, found.longest, found.last_day) == (
        expected.current,
        expected.longest,
        expected.last_day,
    )


def test_the_days_signature_changes_when_the_days_do():
    assert days_signature(_days(0, 1, 2)) == days_signature(_days(2, 1, 0))
    assert days_signature(_days(0, 1, 2)) != days_signature(_days(0, 1, 3))
    assert days_signature(_days(0, 3)) != days_signature(_days(1, 2))  # same count and sum
    assert days_signature([]) == ""


def test_a_day_logged_ahead_of_a_stale_today_keeps_its_run():
    assert streak_compute(_days(-1, 0), today=D).current == 2


def _streak(member) -> tuple:
    row = Streak.objects.filter(user=member, kind=Streak.Kind.ACTIVITY).first()
    return (row.current, row.longest, row.last_day) if row else (0, 0, None)


def test_logging_keeps_the_streak_and_rejected_or_empty_days_break_it():
    member = MemberFactory()
    organiser = StaffFactory()
    today = user_today(member)
    rows = {
        back: activity_log(user=member, day=today - dt.timedelta(days=back), steps=3_000)
        for back in (4, 3, 2, 1)
    }
    assert _streak(member) == (4, 4, today - dt.timedelta(days=1))
    activity_log(user=member, day=today, steps=2_000)
    assert _streak(member) == (5, 5, today)
    activity_log(user=member, day=today - dt.timedelta(days=2), steps=0)  # no steps, no day
    assert _streak(member) == (2, 2, today)
    rows[3].review = DailyActivity.Review.PENDING
    rows[3].save()
    activity_review(activity=rows[3], decision="rejected", actor=organiser)
    assert _streak(member) == (2, 2, today)
    activity_log(user=member, day=today - dt.timedelta(days=2), steps=5_000)
    assert _streak(member) == (3, 3, today)  # day 3 is rejected: 4 stands alone


@pytest.mark.parametrize(
    ("zone", "member_day", "alive_at", "broken_at"),
    [
        # 10:30 UTC on the 10th is already 00:30 on the 11th on Kiritimati (UTC+14), and the
        # member's run dies at their midnight, while it is still the 12th in UTC.
        ("Pacific/Kiritimati", dt.date(2026, 3, 11), "2026-03-12T09:59", "2026-03-12T10:01"),
        # It is still 23:30 on the 9th in Pago Pago (UTC-11); their run lives on through
        # their 10th, when UTC's 11th has begun.
        ("Pacific/Pago_Pago", dt.date(2026, 3, 9), "2026-03-11T10:59", "2026-03-11T11:01"),
    ],
)
def test_a_day_ends_at_midnight_in_the_members_own_zone(zone, member_day, alive_at, broken_at):
    member = MemberFactory(time_zone=zone)
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, 30, tzinfo=dt.UTC), tick=False):
        assert user_today(member) == member_day
        for back in (2, 1, 0):
            activity_log(user=member, day=member_day - dt.timedelta(days=back), steps=1_000)
        assert _streak(member) == (3, 3, member_day)
    for moment, current in ((alive_at, 3), (broken_at, 0)):
        with time_machine.travel(dt.datetime.fromisoformat(moment + "+00:00"), tick=False):
            progress_recompute_groups(group_ids=[member.group_id])
        assert _streak(member) == (current, 3, member_day)


def test_a_streak_runs_through_the_week_daylight_saving_starts():
    """New York springs forward on 8 March 2026: 04:30 UTC is 00:30 on the 9th there (EDT),
    not 23:30 on the 8th (EST)."""
    member = MemberFactory(time_zone="America/New_York")
    organiser = StaffFactory()
    with time_machine.travel(dt.datetime(2026, 3, 9, 4, 30, tzinfo=dt.UTC), tick=False):
        assert user_today(member) == dt.date(2026, 3, 9)
        for day in range(2, 10):  # 2 to 9 March, across the change
            activity_log(user=member, day=dt.date(2026, 3, day), steps=900, actor=organiser)
        assert _streak(member) == (8, 8, dt.date(2026, 3, 9))
    with time_machine.travel(dt.datetime(2026, 3, 11, 3, 30, tzinfo=dt.UTC), tick=False):
        progress_recompute_groups(group_ids=[member.group_id])  # 23:30 on the 10th in New York
        assert _streak(member) == (8, 8, dt.date(2026, 3, 9))
    with time_machine.travel(dt.datetime(2026, 3, 11, 4, 30, tzinfo=dt.UTC), tick=False):
        progress_recompute_groups(group_ids=[member.group_id])  # 00:30 on the 11th
        assert _streak(member) == (0, 8, dt.date(2026, 3, 9))


def _random_days(members, seed: int) -> dict[int, list[dt.date]]:
    """Rows written straight to the table, as an import or a bug could leave them."""
    rng = random.Random(seed)
    expected, rows = {}, []
    for member in members:
        today = user_today(member)
        counted = []
        for back in rng.sample(range(0, 60), rng.randint(0, 40)):
            day = today - dt.timedelta(days=back)
            steps = rng.choice([0, 500, 3_000])
            review = rng.choice(["", "", "", "rejected", "confirmed"])
            rows.append(DailyActivity(user=member, date=day, steps=steps, review=review))
            if steps and review != "rejected":
                counted.append(day)
        expected[member.pk] = counted
    DailyActivity.objects.bulk_create(rows)
    return expected


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_nightly_query_agrees_with_the_pure_function(seed):
    group = GroupFactory()
    zones = ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata", "Europe/Madrid"]
    members = [MemberFactory(group=group, time_zone=zones[i % 5]) for i in range(10)]
    expected = _random_days(members, seed)
    progress_recompute_groups(group_ids=[group.pk])
    for member in members:
        numbers = streak_compute(expected[member.pk], today=user_today(member))
        assert _streak(member) == (numbers.current, numbers.longest, numbers.last_day)


def _streak_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "activity_streak" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_the_nightly_run_repairs_drift_and_then_writes_nothing():
    group = GroupFactory()
    members = [MemberFactory(group=group) for _ in range(6)]
    _random_days(members, seed=7)
    progress_recompute_groups(group_ids=[group.pk])
    # Drift: days written behind the services' back (a new one, a deleted one), a lost row.
    today = user_today(members[0])
    DailyActivity.objects.update_or_create(
        user=members[0], date=today, defaults={"steps": 4_000, "review": ""}
    )
    DailyActivity.objects.filter(user=members[2], date=today - dt.timedelta(days=1)).delete()
    Streak.objects.filter(user=members[1]).delete()
    call_command("update_progress", stdout=open("/dev/null", "w"))  # noqa: SIM115
    expected = {}
    for member in members:
        days = DailyActivity.objects.filter(user=member, steps__gt=0).exclude(review="rejected")
        found = streak_compute(days.values_list("date", flat=True), today=today)
        expected[member.pk] = (found.current, found.longest, found.last_day)
    assert {m.pk: _streak(m) for m in members} == expected
    stamps = list(Streak.objects.order_by("pk").values_list("pk", "updated_at"))
    with CaptureQueriesContext(connection) as queries:
        progress_recompute_groups(group_ids=[group.pk])
    assert _streak_writes(queries) == []
    assert list(Streak.objects.order_by("pk").values_list("pk", "updated_at")) == stamps


@pytest.mark.parametrize("size", [2, 20])
def test_a_chunk_costs_three_queries_when_nothing_changed(size, django_assert_num_queries):
    group = GroupFactory()
    members = [MemberFactory(group=group) for _ in range(size)]
    _random_days(members, seed=size)
    chunk = User.objects.filter(group=group)
    assert activity_streaks_refresh(members=chunk) > 0  # the first run writes them
    # The members and their time zones; their islands; their stored rows. No write, no
    # notification.
    with django_assert_num_queries(3):
        assert activity_streaks_refresh(members=chunk) == 0


def test_a_broken_run_of_three_days_is_notified_once():
    member = MemberFactory()
    short = MemberFactory(group=member.group)
    start = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for back in (2, 1, 0):
            activity_log(user=member, day=D - dt.timedelta(days=back), steps=1_000)
        for back in (1, 0):
            activity_log(user=short, day=D - dt.timedelta(days=back), steps=1_000)
    with time_machine.travel(start + dt.timedelta(days=2), tick=False):
        progress_recompute_groups(group_ids=[member.group_id])
        progress_recompute_groups(group_ids=[member.group_id])
    notices = Notification.objects.filter(dedupe_key__startswith="streak-broken:")
    assert [(n.recipient_id, n.text) for n in notices] == [
        (member.pk, "Your 3-day activity streak has ended. Log a day to start a new one.")
    ]
    assert _streak(member) == (0, 3, D)


def test_a_member_cannot_set_their_streak_through_the_api(client):
    member = MemberFactory()
    client.force_login(member)
    today = user_today(member)
    body = {"steps": 5_000, "current": 40, "longest": 40, "streak": 40}
    response = client.put(
        f"/api/v1/activity/{today}", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200
    assert _streak(member) == (1, 1, today)
    assert client.get(f"/api/v1/activity/{today}").json()["steps"] == 5_000


def test_an_empty_chunk_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert activity_streaks_refresh(members=User.objects.filter(group_id__in=[])) == 0
