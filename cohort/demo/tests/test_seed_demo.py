import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings

from cohort.accounts.models import Group, User
from cohort.activity.models import DailyActivity
from cohort.core.clock import programme_today
from cohort.journeys.models import Enrollment, Milestone, Path

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (User, Group, Path, Milestone, DailyActivity, Enrollment)
    }


def _seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", "--allow-production", stdout=out, **options)
    return out.getvalue()


def test_seeding_twice_changes_nothing_the_second_time():
    first = _seed(members=25)
    counts = _counts()
    # an organiser, a mentor for each group, and 25 members in 20 + 5
    assert counts["User"] == 28 and counts["Group"] == 2
    assert counts["Enrollment"] == 25 and counts["DailyActivity"] > 25 * 20
    assert "member1@demo.cohort.example" in first and "camino-de-santiago-demo" in first
    assert not User.objects.filter(role="member", last_logged_on__isnull=True).exists()
    updated = list(DailyActivity.objects.order_by("pk").values_list("updated_at", flat=True))
    second = _seed(members=25)
    assert "0 new members" in second
    assert _counts() == counts
    assert list(DailyActivity.objects.order_by("pk").values_list("updated_at", flat=True)) == (
        updated
    )


def test_the_demo_member_signs_in_with_the_printed_password(client):
    _seed(members=3)
    response = client.post(
        "/api/v1/auth/login",
        {"email": "member1@demo.cohort.example", "password": "camino-de-santiago-demo"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Group.objects.get(name="Walkers 001").member_count == 3


def test_the_demo_is_refused_on_postgresql_without_the_flag(postgres_only):
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_the_demo_has_a_running_season_with_history():
    from cohort.competition.models import Category, Legacy, Season, SeasonStanding, Wallet

    _seed(members=25)
    _seed(members=25)

    assert list(Season.objects.order_by("starts_on").values_list("status", flat=True)) == [
        "finalised",
        "active",
    ]
    assert list(Category.objects.values_list("name", "season_cap")) == [
        ("Learning", 100),
        ("Outreach", 200),
        ("Coding streak", 100),
        ("Career", 800),
        ("Outcome", 300),
    ]
    assert SeasonStanding.objects.count() == 25
    assert Legacy.objects.count() == 25
    assert Wallet.objects.filter(balance__gt=0).exists()


def test_the_demo_has_mentors_with_pending_kickoff_work(client):
    from cohort.reviews.models import Submission
    from cohort.reviews.selectors import submissions_pending_for_reviewer

    _seed(members=25)
    pending = Submission.objects.filter(status="pending").count()
    _seed(members=25)

    mentors = User.objects.filter(role=User.Role.MENTOR).order_by("email")
    assert [m.email for m in mentors] == [
        "mentor1@demo.cohort.example",
        "mentor2@demo.cohort.example",
    ]
    mentor1 = mentors[0]
    assert [g.name for g in mentor1.mentored_groups.all()] == ["Walkers 001"]
    assert pending > 0 and Submission.objects.filter(status="pending").count() == pending
    queue = submissions_pending_for_reviewer(mentor1)
    assert queue and {s.assignment.episode.name for s in queue} == {"Kickoff"}
    assert {s.user.group.name for s in queue} == {"Walkers 001"}
    response = client.post(
        "/api/v1/auth/login",
        {"email": mentor1.email, "password": "camino-de-santiago-demo"},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_the_demo_ledger_is_dated_inside_each_season():
    from django.utils import timezone

    from cohort.competition.models import PointsEntry, Season

    _seed(members=5)

    for season in Season.objects.all():
        days = {
            timezone.localdate(stamp)
            for stamp in PointsEntry.objects.filter(season=season).values_list(
                "created_at", flat=True
            )
        }
        assert days and all(season.starts_on <= day <= season.ends_on for day in days)


def test_the_seeded_categories_show_at_once(django_capture_on_commit_callbacks):
    from cohort.competition.selectors.seasons import categories_list

    categories_list()  # cached empty before the seed, as a request might
    with django_capture_on_commit_callbacks(execute=True):
        _seed(members=5)

    assert [c.name for c in categories_list()][:2] == ["Learning", "Outreach"]


def test_the_demo_logs_days_before_the_programmes_today():
    """At 02:00 UTC it is still the evening before in Chicago: that day is not over, so
    the demo history stops the day before it, whatever UTC's date is."""
    moment = dt.datetime(2026, 3, 11, 2, 0, tzinfo=dt.UTC)
    with override_settings(PROGRAMME_TIME_ZONE="America/Chicago"), time_machine.travel(moment):
        _seed(members=5)
        today = programme_today()
    assert today == dt.date(2026, 3, 10)
    latest = DailyActivity.objects.order_by("-date").values_list("date", flat=True).first()
    assert latest == today - dt.timedelta(days=1)


def test_migrate_first_brings_the_database_up_to_date_in_the_same_run():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    out = _seed(members=3, migrate=True)

    assert "3 new members" in out
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
