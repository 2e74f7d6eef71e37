"""The map's route and milestones, rendered once per path's content in each process
(dashboard.html.map_route_html): escaped, and drawn anew when the path changes."""

import pytest

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.journeys.models import Milestone
from cohort.journeys.services import path_cache_clear
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db


def test_a_milestone_named_like_a_script_stays_escaped(client):
    path_create(milestones=(("Start", 0), ("<script>alert(1)</script>", 50), ("End", 100)))
    client.force_login(MemberFactory(group=GroupFactory()))
    page = client.get("/map/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; · 50 km</title>" in page


def test_a_renamed_or_moved_milestone_is_drawn_anew(client):
    path = path_create()
    client.force_login(MemberFactory(group=GroupFactory()))
    assert "<title>Inn · 50 km</title>" in client.get("/map/").content.decode()
    inn = Milestone.objects.get(path=path, name="Inn")
    inn.name, inn.y = "Tavern", 77
    inn.save()
    path_cache_clear()  # as a path's edit does
    page = client.get("/map/").content.decode()
    assert "Inn" not in page and "<title>Tavern · 50 km</title>" in page
    assert 'cy="77.0" r="6"' in page or 'cy="77" r="6"' in page
