import pytest

from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.activity.services.daily import activity_log
from cohort.core.clock import user_today
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db


def test_the_map_page_draws_the_route_and_every_marker(client):
    path = path_create()
    group = GroupFactory()
    members = MemberFactory.create_batch(3, group=group)
    activity_log(user=members[0], day=user_today(members[0]), steps=3_000)
    client.force_login(members[0])
    response = client.get("/map/")
    page = response.content.decode()
    data = response.context["map_data"]
    assert len(data["markers"]) == 3
    assert [m["me"] for m in data["markers"]].count(True) == 1
    assert [m["name"] for m in data["milestones"]] == ["Start", "Ford", "Inn", "End"]
    assert data["kind"] == "illustrated" and data["route"] == f"/api/v1/paths/{path.pk}/route"
    assert 'id="map-data" type="application/json"' in page
    assert "On the road from Ford to Inn" in page
    assert "3,000 steps" in page


def test_the_map_says_what_to_do_without_a_path(client):
    client.force_login(MemberFactory())
    assert "No path is open yet" in client.get("/map/").content.decode()


def test_staff_choose_a_visible_group_and_others_are_404(client):
    path_create()
    group = GroupFactory()
    MemberFactory(group=group)
    client.force_login(StaffFactory(role="mentor"))
    assert client.get(f"/map/?group={group.pk}").status_code == 404
    group.mentors.add(client.session["_auth_user_id"])
    assert client.get(f"/map/?group={group.pk}").status_code == 200
