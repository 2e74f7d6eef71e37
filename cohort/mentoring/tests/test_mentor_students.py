import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.activity.models import Streak
from cohort.competition.selectors.seasons import season_current
from cohort.competition.tests.factories import CategoryFactory, points_give
from cohort.core.clock import programme_today, user_today
from cohort.mentoring.selectors import month_window, students_board
from cohort.mentoring.tests.factories import Programme
from cohort.reviews.models import Submission
from cohort.reviews.tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return Programme(members_per_group=0)


def _students(programme, count: int, submissions: int) -> list:
    """`count` students of the mentor's group, each with points, a streak, and (spread over
    them) `submissions` submissions, half pending and half approved this month."""
    members = [MemberFactory(group=programme.mine) for _ in range(count)]
    for n, member in enumerate(members):
        points_give(member, programme.season, programme.category, 10 + n)
        Streak.objects.create(
            user=member, kind="activity", current=3, longest=5, last_day=user_today(member)
        )
    for n in range(submissions):
        status = "pending" if n % 2 else "approved"
        SubmissionFactory(
            user=members[n % count],
            assignment=programme.work,
            status=status,
            reviewed_at=timezone.now() if status == "approved" else None,
        )
    return members


@pytest.mark.parametrize(("students", "submissions"), [(2, 2), (20, 2), (2, 40), (20, 40)])
def test_the_board_costs_four_queries_whatever_the_size(
    programme, django_assert_num_queries, students, submissions
):
    _students(programme, students, submissions)
    programme.category.monthly_target = 1
    programme.category.save()
    season_current()  # cached, as in production between requests

    with django_assert_num_queries(4):
        # 1. students with season score, streak and pending count (subqueries)
        # 2. categories
        # 3. category totals of the students in the season
        # 4. this month's approvals by student and category
        board = students_board(viewer=programme.mentor)

    assert len(board.rows) == students


def test_the_api_costs_the_same_for_2_and_20_students(client, programme, django_assert_num_queries):
    _students(programme, 2, 2)
    client.force_login(programme.mentor)
    client.get("/api/v1/mentor/students")  # warm the caches
    # the user (and the session without Redis), then the four of the board
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/api/v1/mentor/students").json()) == 2
    _students(programme, 18, 40)

    with django_assert_num_queries(len(small)):
        assert len(client.get("/api/v1/mentor/students").json()) == 20


def test_the_board_shows_points_streak_pending_and_last_activity(client, programme):
    member = _students(programme, 1, 0)[0]
    SubmissionFactory(user=member, assignment=programme.work)
    SubmissionFactory(user=member, assignment=programme.assignment())
    member.last_logged_on = programme_today()
    member.save(update_fields=["last_logged_on"])
    client.force_login(programme.mentor)

    body = client.get("/api/v1/mentor/students").json()

    assert body == [
        {
            "id": member.pk,
            "name": member.display_name,
            "group": programme.mine.name,
            "points": [{"category": "Career", "points": 10}],
            "season_score": 10,
            "streak": 3,
            "last_logged_on": programme_today().isoformat(),
            "pending": 2,
            "missed_targets": [],
        }
    ]
    page = client.get("/mentor/students/")
    assert page.status_code == 200 and member.display_name in page.content.decode()


def test_a_broken_streak_shows_zero(programme):
    member = MemberFactory(group=programme.mine)
    Streak.objects.create(
        user=member,
        kind="activity",
        current=7,
        longest=7,
        last_day=user_today(member) - dt.timedelta(days=3),
    )
    assert students_board(viewer=programme.mentor).rows[0].streak == 0


def test_students_missing_a_monthly_target_are_flagged_per_category(client, programme):
    programme.category.monthly_target = 2
    programme.category.save()
    outreach = CategoryFactory(name="Outreach", monthly_target=1)
    CategoryFactory(name="Learning", monthly_target=0)
    on_target, behind = MemberFactory(group=programme.mine), MemberFactory(group=programme.mine)
    last_month = month_window(programme_today().replace(day=1))[0] - dt.timedelta(hours=1)
    approved = {"status": Submission.Status.APPROVED, "reviewed_at": timezone.now()}
    for _ in range(2):
        SubmissionFactory(user=on_target, assignment=programme.assignment(), **approved)
    SubmissionFactory(
        user=on_target, assignment=programme.assignment(category=outreach), **approved
    )
    SubmissionFactory(user=behind, assignment=programme.assignment(), **approved)
    SubmissionFactory(user=behind, assignment=programme.assignment())  # pending: not counted
    SubmissionFactory(
        user=behind,
        assignment=programme.assignment(category=outreach),
        status=Submission.Status.APPROVED,
        reviewed_at=last_month,  # last month's: not counted
    )
    client.force_login(programme.mentor)

    rows = {r["id"]: r["missed_targets"] for r in client.get("/api/v1/mentor/students").json()}

    assert rows[on_target.pk] == []
    assert rows[behind.pk] == [
        {"category": "Career", "approved": 1, "target": 2},
        {"category": "Outreach", "approved": 0, "target": 1},
    ]
    page = client.get("/mentor/students/").content.decode()
    assert page.count('data-testid="target-missed"') == 2


def test_a_mentor_sees_only_their_groups_students(client, programme):
    theirs = MemberFactory(group=GroupFactory())
    mine = MemberFactory(group=programme.mine)
    client.force_login(programme.mentor)

    ids = [r["id"] for r in client.get("/api/v1/mentor/students").json()]

    assert ids == [mine.pk] and theirs.pk not in ids
    assert client.get(f"/api/v1/mentor/students?group={theirs.group_id}").status_code == 404


@pytest.mark.parametrize(("posted", "target"), [("3", 3), ("0", 0), ("", 1)])
def test_organisers_set_the_monthly_target_in_the_admin(client, posted, target):
    """0 means no target; a cleared field is a form error that keeps the old value."""
    from django.urls import reverse

    from cohort.accounts.tests.factories import StaffFactory
    from cohort.competition.models import Category

    category = CategoryFactory(name="Learning", monthly_target=1)
    client.force_login(StaffFactory())
    form = {"name": "Learning", "slug": "learning", "season_cap": 100, "rule": "work",
            "points_per_day": 0, "min_steps": 0, "order": 0, "monthly_target": posted}  # fmt: skip

    response = client.post(reverse("admin:competition_category_change", args=[category.pk]), form)

    assert response.status_code == (200 if posted == "" else 302)
    assert Category.objects.get(pk=category.pk).monthly_target == target


def test_without_monthly_targets_the_board_says_no_target_set(client, programme):
    MemberFactory(group=programme.mine)
    assert not programme.category.monthly_target
    client.force_login(programme.mentor)

    page = client.get("/mentor/students/").content.decode()

    assert "no target set" in page
    assert "on target" not in page
