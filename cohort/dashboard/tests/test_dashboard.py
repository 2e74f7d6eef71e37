import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.accounts.models import Group, User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.activity.tests.factories import DailyActivityFactory
from cohort.core.clock import user_today
from cohort.journeys.models import Enrollment
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def path():
    return path_create()


def _enroll(path, members, distances):
    """Enrollments as the progress services would leave them (the test path is 100 units)."""
    milestones = list(path.milestones.order_by("distance"))

    def reached(distance):
        return [m for m in milestones if m.distance <= distance][-1]

    Enrollment.objects.bulk_create(
        (
            Enrollment(
                user=member,
                path=path,
                started_on=path.start_date,
                steps=d * 100,
                distance=Decimal(d),
                progress=Decimal(d),
                current_milestone=reached(d),
            )
            for member, d in zip(members, distances, strict=True)
        ),
        # members are enrolled at 0 when they join: set where they stand
        update_conflicts=True,
        unique_fields=["user", "path"],
        update_fields=["steps", "distance", "progress", "current_milestone"],
    )


def _bulk_members(group_count: int, per_group: int = 20) -> list[User]:
    password, first = make_password(None), Group.objects.count()
    groups = Group.objects.bulk_create(
        Group(name=f"Bulk {first + i}", password=password, member_count=per_group)
        for i in range(group_count)
    )
    return User.objects.bulk_create(
        User(
            email=f"bulk{g.pk}-{i}@example.com",
            display_name=f"Walker {i:02d} of {g.pk}",
            group=g,
            password=password,
        )
        for g in groups
        for i in range(per_group)
    )


def _queries(client, url: str) -> int:
    client.get(url)  # the session's first request writes it; not measured
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_member_sees_their_group_by_progress_with_today_and_this_week(client, path):
    group = GroupFactory()
    ana, ben = (
        MemberFactory(group=group, display_name="Ana"),
        MemberFactory(group=group, display_name="Ben"),
    )
    MemberFactory(display_name="Outsider")
    _enroll(path, [ana, ben], [12, 30])
    today = user_today(ana)
    DailyActivityFactory(user=ana, date=today, steps=1_500)
    if today.weekday():  # earlier this week (not when today is Monday)
        DailyActivityFactory(user=ana, date=today - dt.timedelta(days=1), steps=500)
    client.force_login(ana)
    rows = client.get("/api/v1/dashboard").json()["results"]
    assert [r["name"] for r in rows] == ["Ben", "Ana"]
    assert (rows[1]["today_steps"], rows[1]["week_steps"]) == (
        1_500,
        2_000 if today.weekday() else 1_500,
    )
    assert rows[0]["milestone"] == "Ford"  # 30 units: past Ford at 10
    page = client.get("/").content.decode()
    assert "Outsider" not in page and "Ben" in page


def test_the_group_view_costs_the_same_for_2_and_20_members(client, path):
    small, large = GroupFactory(), GroupFactory()
    two = [MemberFactory(group=small) for _ in range(2)]
    twenty = [MemberFactory(group=large) for _ in range(20)]
    _enroll(path, two + twenty, [5, 6] + list(range(20)))
    client.force_login(two[0])
    few = (_queries(client, "/"), _queries(client, "/api/v1/dashboard"))
    client.force_login(twenty[0])
    assert (_queries(client, "/"), _queries(client, "/api/v1/dashboard")) == few


def test_organisers_page_through_everyone_at_the_same_cost_and_see_each_once(client, path):
    members = _bulk_members(1)
    _enroll(path, members, [i % 7 for i in range(20)])
    client.force_login(StaffFactory())
    url = "/api/v1/dashboard?scope=all&order=progress"
    few = (_queries(client, url), _queries(client, "/?order=name"))
    more = _bulk_members(99)
    _enroll(path, more, [i % 7 for i in range(len(more))])  # 2,000 members in all
    assert (_queries(client, url), _queries(client, "/?order=name")) == few
    seen, next_url, pages = [], url, 0
    while next_url:
        page = client.get(next_url).json()
        seen += [r["user_id"] for r in page["results"]]
        next_url, pages = page["next"], pages + 1
    assert pages == 40 and len(seen) == len(set(seen)) == 2_000
    first_page = [Decimal(r["progress"]) for r in client.get(url).json()["results"]]
    assert first_page == sorted(first_page, reverse=True) and first_page[0] == 6


def test_filters_narrow_the_rows(client, path):
    group, other = GroupFactory(), GroupFactory()
    ana = MemberFactory(group=group, display_name="Ana Silva", email="ana@example.com")
    ben = MemberFactory(group=group, display_name="Ben Okafor")
    cy = MemberFactory(group=other, display_name="Cy Novak")
    _enroll(path, [ana, ben, cy], [10, 40, 70])
    client.force_login(StaffFactory())

    def names(query):
        rows = client.get(f"/api/v1/dashboard?scope=all&{query}").json()["results"]
        return [r["name"] for r in rows]

    assert names("q=silva") == ["Ana Silva"]
    assert names("q=ANA@EXAMPLE") == ["Ana Silva"]
    assert names(f"group={other.pk}") == ["Cy Novak"]
    assert names("progress_min=20&progress_max=60") == ["Ben Okafor"]
    assert names("order=name") == ["Ana Silva", "Ben Okafor", "Cy Novak"]


def test_mentors_see_only_their_groups_and_members_only_their_own(client, path):
    mine, theirs = GroupFactory(), GroupFactory()
    mentor = StaffFactory(role=User.Role.MENTOR)
    mine.mentors.add(mentor)
    a, b = MemberFactory(group=mine), MemberFactory(group=theirs)
    _enroll(path, [a, b], [1, 2])
    client.force_login(mentor)
    rows = client.get("/api/v1/dashboard?scope=all").json()["results"]
    assert [r["user_id"] for r in rows] == [a.pk]
    client.force_login(a)
    response = client.get("/api/v1/dashboard?scope=all")
    assert response.status_code == 403 and "detail" in response.json()


@pytest.mark.parametrize(
    "query", ["order=shoe-size", "scope=everything", "cursor=%%%", "progress_min=120"]
)
def test_bad_input_is_a_clear_422(client, path, query):
    client.force_login(StaffFactory())
    response = client.get(
        f"/api/v1/dashboard?scope=all&{query}".replace("scope=all&scope", "scope")
    )
    assert response.status_code == 422
    assert "detail" in response.json()
