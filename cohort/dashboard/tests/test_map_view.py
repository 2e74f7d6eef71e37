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


def test_the_map_page_allows_the_tile_server_and_no_inline_script(client):
    path_create()
    client.force_login(MemberFactory())
    response = client.get("/map/")
    policy = response.headers["Content-Security-Policy"]
    img_src = next(d for d in policy.split(";") if d.strip().startswith("img-src"))
    assert "https://tile.openstreetmap.org" in img_src
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "nonce" not in script_src
    page = response.content.decode()
    assert "/static/leaflet/leaflet" in page and "/static/js/map.js" in page


def test_without_a_tile_url_the_map_draws_on_a_plain_background(client, settings):
    settings.MAP_TILE_URL = ""
    path_create()
    client.force_login(MemberFactory())
    assert client.get("/map/").context["map_data"]["tiles"] is None


def test_an_illustrated_paths_image_is_served_to_those_who_see_the_path(client, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    path = path_create()
    path.map_image.save("shire.png", ContentFile(b"\x89PNG\r\n\x1a\nrest"), save=True)
    from cohort.journeys.services import path_cache_clear

    path_cache_clear()
    member = MemberFactory()
    client.force_login(member)
    data = client.get("/map/").context["map_data"]
    assert data["image"] == f"/map/paths/{path.pk}/image/"
    answer = client.get(data["image"])
    assert answer.status_code == 200 and answer["Cache-Control"] == "private, max-age=3600"
    hidden = path_create(name="Elsewhere", current=False)
    assert client.get(f"/map/paths/{hidden.pk}/image/").status_code == 404


@pytest.mark.parametrize("size", [2, 20])
def test_the_map_page_costs_the_same_queries_for_2_members_and_for_20(
    client, django_assert_num_queries, size
):
    path_create()
    group = GroupFactory()
    members = MemberFactory.create_batch(size, group=group)
    client.force_login(members[0])
    client.get("/map/")  # the path, chain and route caches filled
    # 1 the viewer, 2 their group, 3 its members, 4 their enrollments, 5-7 the viewer's card
    # (today's steps, last update, best day). The map's data adds none: no query per member
    # or milestone (and the route comes from the cached API).
    with django_assert_num_queries(7):
        response = client.get("/map/")
    assert response.status_code == 200 and len(response.context["map_data"]["markers"]) == size
