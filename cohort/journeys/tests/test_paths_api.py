import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.journeys.services import enrollment_apply_steps
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def path():
    return path_create()


def test_current_path_lists_its_milestones(client, path):
    client.force_login(MemberFactory())
    body = client.get("/api/v1/paths/current").json()
    assert body["name"] == "Test Way"
    assert [m["name"] for m in body["milestones"]] == ["Start", "Ford", "Inn", "End"]


def test_no_current_path_is_a_404(client):
    client.force_login(MemberFactory())
    assert client.get("/api/v1/paths/current").status_code == 404


def test_positions_interpolate_between_milestones(client, path):
    member = MemberFactory()
    enrollment_apply_steps(user_id=member.pk, day=path.start_date, delta_steps=3_000)  # 30 units
    client.force_login(member)
    [me] = client.get(f"/api/v1/paths/{path.pk}/positions").json()
    # Between Ford (10, x=100) and Inn (50, x=500): halfway, x = 300.
    assert (me["x"], me["y"], me["milestone"], me["next_milestone"]) == (
        300.0,
        100.0,
        "Ford",
        "Inn",
    )
    assert (me["to_next"], me["is_viewer"]) == (20.0, True)


def test_markers_on_the_same_spot_are_spread_apart(client, path):
    group = GroupFactory()
    MemberFactory.create_batch(3, group=group)
    client.force_login(group.members.first())
    spots = {(p["x"], p["y"]) for p in client.get(f"/api/v1/paths/{path.pk}/positions").json()}
    assert len(spots) == 3


def test_another_groups_positions_are_404(client, path):
    other = GroupFactory()
    MemberFactory(group=other)
    client.force_login(MemberFactory())
    response = client.get(f"/api/v1/paths/{path.pk}/positions?group={other.pk}")
    assert response.status_code == 404
    organiser = StaffFactory()
    client.force_login(organiser)
    assert client.get(f"/api/v1/paths/{path.pk}/positions?group={other.pk}").status_code == 200


@pytest.mark.parametrize("size", [2, 20])
def test_positions_cost_the_same_queries_for_2_or_20_members(client, path, size, settings):
    group = GroupFactory()
    members = MemberFactory.create_batch(size, group=group)
    client.force_login(members[0])
    client.get("/api/v1/paths/current")  # warms the path cache and stamps the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/v1/paths/{path.pk}/positions").status_code == 200
    # user with group, the group (visibility check), members, enrollments; and the session
    # when it lives in the database rather than Redis
    assert len(queries) == 4 + settings.SESSION_ENGINE.endswith(".db")
