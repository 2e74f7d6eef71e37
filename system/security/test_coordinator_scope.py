"""Item 7: a coordinator with no division looks after nothing. The two groups of the
security world have no division; such a coordinator must find none of their members on any
page or endpoint that lists or searches people, nor their groups' names."""

import pytest

from cohort.accounts.models import User
from cohort.activity.services.daily import activity_log
from cohort.core.clock import user_today
from cohort.mentoring.tests.factories import staff
from system.security.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def lost(world):
    """A coordinator without a division, and the world's members on the path."""
    for side in (world.a, world.b):
        for member in (side.leader, side.member):
            activity_log(user=member, day=user_today(member), steps=1_000)
    return client_for(staff(User.Role.COORDINATOR, division=None, email="lost@example.com"))


def test_the_dashboard_api_lists_and_finds_nobody(world, lost):
    for query in ("", f"&q={world.a.leader.email}", f"&group={world.a.group.pk}"):
        response = lost.get(f"/api/v1/dashboard?scope=all{query}")
        assert response.status_code == 200, query
        assert response.json()["results"] == [], query


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?q=leader-alpha",
        "/mentor/",
        "/mentor/students/",
        "/mentor/groups/",
        "/analytics/",
        "/organise/devices/",
        "/organise/people/",
        "/organise/",
        "/organise/mentors/",
        "/organise/audit/",
    ],  # fmt: skip
)
def test_pages_show_no_group_and_no_member(world, lost, url):
    response = lost.get(url)
    assert response.status_code == 200
    for side in (world.a, world.b):
        assert side.leader.email.encode() not in response.content
        assert side.group.name.encode() not in response.content


def test_the_students_api_lists_nobody(world, lost):
    response = lost.get("/api/v1/mentor/students")
    assert response.status_code == 200 and response.json() == []
    assert lost.get(f"/api/v1/mentor/students?group={world.a.group.pk}").status_code == 404


def test_the_people_pages_show_no_group_of_another_division(world, lost):
    """The People pages read a coordinator's division only: another group's page and
    sign-in sheet answer 404, and no action of theirs writes (organisers only: 403)."""
    group = world.a.group
    for url in (
        f"/organise/people/groups/{group.pk}/",
        f"/organise/people/groups/{group.pk}/sheet/",
    ):
        assert lost.get(url).status_code == 404, url
    assert lost.post(f"/organise/people/groups/{group.pk}/sheet/").status_code == 404
    member = world.a.member
    for action in ("move", "remove", "restore"):
        url = f"/organise/people/members/{member.pk}/{action}/"
        assert lost.post(url, {"group": world.b.group.pk, "confirmed": "yes"}).status_code == 403
    member.refresh_from_db()
    assert member.group_id == group.pk
