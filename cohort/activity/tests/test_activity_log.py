import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.accounts.tests.factories import MemberFactory, StaffFactory
from cohort.activity.models import DailyActivity
from cohort.activity.services.daily import activity_log, activity_review
from cohort.activity.services.recompute import progress_recompute_groups
from cohort.core.clock import user_today
from cohort.core.exceptions import InvalidInput, PermissionDenied
from cohort.journeys.models import Enrollment
from cohort.journeys.services import path_cache_clear
from cohort.journeys.tests.factories import path_create
from cohort.notifications.models import Notification
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def path():
    return path_create()


@pytest.fixture
def member(path):
    return MemberFactory(time_zone="Europe/Madrid")


def _enrollment(member) -> Enrollment:
    return Enrollment.objects.select_related("current_milestone").get(user=member)


def test_logging_a_day_moves_the_member_along_the_path(member):
    today = user_today(member)
    activity_log(user=member, day=today, steps=1_234)
    enrollment = _enrollment(member)
    assert (enrollment.steps, str(enrollment.distance), str(enrollment.progress)) == (
        1234,
        "12.34",
        "12.34",
    )
    assert enrollment.current_milestone.name == "Ford"


def test_changing_a_day_replaces_its_steps_rather_than_adding(member):
    today = user_today(member)
    activity_log(user=member, day=today, steps=6_000)
    activity_log(user=member, day=today, steps=2_000)
    assert DailyActivity.objects.get(user=member).steps == 2_000
    enrollment = _enrollment(member)
    assert enrollment.steps == 2_000
    assert enrollment.current_milestone.name == "Ford"


@pytest.mark.parametrize(
    ("steps", "reason"),
    [(-1, "negative"), (100_001, "more than"), (1.5, "whole number"), (True, "whole number")],
)
def test_rejects_bad_step_counts(member, steps, reason):
    with pytest.raises(InvalidInput, match=reason):
        activity_log(user=member, day=user_today(member), steps=steps)
    assert not DailyActivity.objects.exists()


def test_rejects_future_dates_in_the_members_own_time_zone(path):
    # 23:30 on 1 March in UTC is already 2 March in Tokyo, still 1 March in Chicago.
    with time_machine.travel(dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC), tick=False):
        path.start_date = dt.date(2026, 2, 1)
        path.save()
        path_cache_clear()
        tokyo = MemberFactory(time_zone="Asia/Tokyo")
        chicago = MemberFactory(time_zone="America/Chicago")
        activity_log(user=tokyo, day=dt.date(2026, 3, 2), steps=100)
        with pytest.raises(InvalidInput, match="not happened yet"):
            activity_log(user=chicago, day=dt.date(2026, 3, 2), steps=100)


def test_members_edit_only_inside_the_window_but_organisers_correct_any_day(member, settings):
    settings.ACTIVITY_EDIT_WINDOW_DAYS = 7
    today = user_today(member)
    activity_log(user=member, day=today - dt.timedelta(days=6), steps=100)
    with pytest.raises(InvalidInput, match="today and the 6 days before it") as refused:
        activity_log(user=member, day=today - dt.timedelta(days=7), steps=100)
    first = today - dt.timedelta(days=6)
    assert f"from {first:%-d %B}" in refused.value.detail
    organiser = StaffFactory()
    row = activity_log(
        user=member, day=today - dt.timedelta(days=20), steps=900, actor=organiser, ip="10.0.0.1"
    )
    assert row.source == DailyActivity.Source.CORRECTION
    event = AuditEvent.objects.get(action="activity_corrected")
    assert (event.actor_id, event.detail["steps"], event.ip) == (organiser.pk, 900, "10.0.0.1")


def test_a_member_cannot_change_another_members_day(member):
    other = MemberFactory(group=member.group)
    with pytest.raises(PermissionDenied):
        activity_log(user=other, day=user_today(other), steps=10, actor=member)


def test_rejects_days_outside_the_path(member, path):
    with pytest.raises(InvalidInput, match="outside"):
        activity_log(
            user=member, day=path.start_date - dt.timedelta(days=1), steps=10, actor=StaffFactory()
        )


def test_a_day_far_above_the_members_history_is_accepted_but_flagged(member, settings):
    settings.ACTIVITY_FLAG_MIN_SPREAD = 500
    today = user_today(member)
    organiser = StaffFactory()
    for back in range(1, 11):
        activity_log(
            user=member, day=today - dt.timedelta(days=back), steps=5_000 + back, actor=organiser
        )
    row = activity_log(user=member, day=today, steps=9_000)
    assert row.review == DailyActivity.Review.PENDING
    # Accepted, but until a mentor confirms it counts at most the member's plausible maximum:
    # mean 5,005.5 + 3 x the 500 floor of the spread, rounded down.
    assert (row.plausible_steps, row.counted_steps) == (6_505, 6_505)
    assert _enrollment(member).steps == 50_055 + 6_505
    activity_review(activity=row, decision="rejected", actor=organiser)
    assert _enrollment(member).steps == 50_055


def test_a_day_above_the_manual_cap_is_flagged_even_without_history(member, settings):
    settings.ACTIVITY_FLAG_STEPS = 30_000
    row = activity_log(user=member, day=user_today(member), steps=30_001)
    assert row.review == DailyActivity.Review.PENDING


def test_each_milestone_is_notified_once(member):
    today = user_today(member)
    activity_log(user=member, day=today, steps=5_500)  # past Ford (10) and Inn (50)
    activity_log(user=member, day=today, steps=100)  # back before Ford
    activity_log(user=member, day=today, steps=5_500)  # and past them again
    texts = sorted(Notification.objects.filter(recipient=member).values_list("text", flat=True))
    assert texts == ["You reached Ford on Test Way!", "You reached Inn on Test Way!"]


def test_progress_stops_at_the_end_and_the_walker_can_keep_logging(member):
    today = user_today(member)
    activity_log(user=member, day=today - dt.timedelta(days=1), steps=50_000)
    activity_log(user=member, day=today, steps=60_000)
    enrollment = _enrollment(member)
    assert (str(enrollment.distance), str(enrollment.progress)) == ("100.00", "100.00")
    assert enrollment.completed_at is not None
    assert enrollment.current_milestone.name == "End"


def _chain_of_two():
    current = path_create()
    back = path_create(name="And Back", current=False)
    current.next_path = back
    current.save()
    path_cache_clear()
    return back


# 23:30 UTC: already tomorrow in Madrid, still today in the programme's Chicago.
@time_machine.travel(dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC), tick=False)
def test_finishing_a_chained_path_enrolls_the_walker_in_the_next_from_the_next_day():
    back = _chain_of_two()
    member = MemberFactory(time_zone="Europe/Madrid")
    today = user_today(member)
    assert today == dt.date(2026, 3, 11)
    activity_log(user=member, day=today, steps=10_000)
    follow_on = Enrollment.objects.get(user=member, path=back)
    assert (follow_on.started_on, follow_on.steps) == (today + dt.timedelta(days=1), 0)


def test_a_back_filled_day_that_finishes_a_path_carries_the_later_days_into_the_next():
    back = _chain_of_two()
    member = MemberFactory(time_zone="Europe/Madrid")
    today = user_today(member)
    activity_log(user=member, day=today - dt.timedelta(days=1), steps=3_000)
    activity_log(user=member, day=today, steps=4_000)
    # The running total reaches 10,000 (the end) on yesterday, so the next path counts today.
    activity_log(user=member, day=today - dt.timedelta(days=3), steps=9_500)
    follow_on = Enrollment.objects.get(user=member, path=back)
    assert (follow_on.started_on, follow_on.steps) == (today, 4_000)
    progress_recompute_groups(group_ids=[member.group_id])
    follow_on.refresh_from_db()
    assert (follow_on.started_on, follow_on.steps) == (today, 4_000)


def _log_queries(member, day, steps) -> int:
    with CaptureQueriesContext(connection) as queries:
        activity_log(user=member, day=day, steps=steps)
    return len(queries)


def test_logging_a_day_costs_the_same_number_of_queries_however_long_the_history(member):
    today = user_today(member)
    organiser = StaffFactory()
    activity_log(user=member, day=today - dt.timedelta(days=1), steps=1_000)  # enrolls
    new_day_short = _log_queries(member, today - dt.timedelta(days=2), 1_000)
    changed_day_short = _log_queries(member, today - dt.timedelta(days=2), 1_200)
    for back in range(3, 30):  # the path started 30 days ago
        activity_log(user=member, day=today - dt.timedelta(days=back), steps=1_000, actor=organiser)
    changed_day_long = _log_queries(member, today - dt.timedelta(days=3), 1_100)
    DailyActivity.objects.filter(user=member, date=today).delete()
    new_day_long = _log_queries(member, today, 1_000)
    # A changed day, on PostgreSQL: a savepoint, the day's row locked with the member's
    # history (one statement), the update that also stamps their last logged day, lock the
    # chain's enrollments, update one, the streak (the member's counted dates with their
    # stored streak row, one statement), release the savepoint. A new day inserts (ON
    # CONFLICT DO NOTHING: no savepoint of its own) and changes the streak: one upsert more.
    # Elsewhere (SQLite) the history, the lock, the write and the stamp are a statement each,
    # a new day's insert has its savepoint pair and the streak is two reads. No activity
    # category, no points.
    if connection.vendor == "postgresql":
        assert changed_day_short == changed_day_long == 7
        assert new_day_short == new_day_long == 8
    else:
        assert changed_day_short == changed_day_long == 10
        assert new_day_short == new_day_long == 13


def test_the_members_last_logged_day_only_moves_forward(member):
    today = user_today(member)
    activity_log(user=member, day=today - dt.timedelta(days=1), steps=100)
    activity_log(user=member, day=today - dt.timedelta(days=3), steps=100)
    member.refresh_from_db()
    assert member.last_logged_on == today - dt.timedelta(days=1)
    activity_log(user=member, day=today, steps=0)
    member.refresh_from_db()
    assert member.last_logged_on == today


def test_the_log_page_offers_exactly_the_days_the_rule_accepts(member, settings, client):
    settings.ACTIVITY_EDIT_WINDOW_DAYS = 3
    today = user_today(member)
    client.force_login(member)
    page = client.get("/activity/").content.decode()
    offered = [
        today - dt.timedelta(days=n)
        for n in range(5)
        if f'value="{today - dt.timedelta(days=n)}"' in page
    ]
    assert offered == [today - dt.timedelta(days=n) for n in range(3)]
    assert "today and the 2 days before it" in page
    for day in offered:
        activity_log(user=member, day=day, steps=10)
    with pytest.raises(InvalidInput, match="today and the 2 days before it"):
        activity_log(user=member, day=today - dt.timedelta(days=3), steps=10)


def test_an_inactive_organiser_cannot_change_a_members_day(member):
    """Corrections asked only for the organiser role; every other organiser tool also wants
    an active account."""
    organiser = StaffFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        activity_log(user=member, day=user_today(member), steps=10, actor=organiser)
    assert not DailyActivity.objects.filter(user=member).exists()
