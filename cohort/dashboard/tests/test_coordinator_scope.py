"""A coordinator sees the groups of their division and nothing else: with no division,
nothing (not every group without a division), on the dashboard and its search alike."""

import pytest

from cohort.accounts.models import User
from cohort.accounts.tests.factories import DivisionFactory, GroupFactory, MemberFactory
from cohort.activity.services.daily import activity_log
from cohort.core.clock import user_today
from cohort.journeys.tests.factories import path_create
from cohort.mentoring.tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def members():
    """A member in a group of a division and one in a group without one, both walking."""
    path_create()
    division = DivisionFactory()
    inside = MemberFactory(group=GroupFactory(division=division), email="inside@example.com")
    loose = MemberFactory(group=GroupFactory(division=None), email="loose@example.com")
    for member in (inside, loose):
        activity_log(user=member, day=user_today(member), steps=1_000)
    return division, inside, loose


def _ids(client, query: str = "") -> set[int]:
    response = client.get(f"/api/v1/dashboard?scope=all{query}")
    assert response.status_code == 200
    return {row["user_id"] for row in response.json()["results"]}


def test_a_coordinator_without_a_division_sees_nobody(client, members):
    client.force_login(staff(User.Role.COORDINATOR, division=None))
    assert _ids(client) == set()
    assert _ids(client, "&q=loose@example.com") == set()
    page = client.get("/?q=loose")
    assert page.status_code == 200
    assert b"loose@example.com" not in page.content


def test_a_coordinator_sees_their_divisions_groups_only(client, members):
    division, inside, _ = members
    client.force_login(staff(User.Role.COORDINATOR, division=division))
    assert _ids(client) == {inside.pk}
    assert _ids(client, "&q=loose") == set()
