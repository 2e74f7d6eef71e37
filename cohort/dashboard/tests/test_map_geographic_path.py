"""The /map/ page on a geographic path: milestones and markers at their lat/lon for Leaflet."""

import datetime as dt

import pytest
from django.conf import settings

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.activity.services.daily import activity_log
from cohort.core.clock import programme_today, user_today
from cohort.journeys.services import path_cache_clear, path_import
from cohort.journeys.tests.routefiles import CAMINO_GPX

pytestmark = pytest.mark.django_db


def test_the_map_page_draws_a_geographic_path_within_its_box(client):
    with CAMINO_GPX.open("rb") as source:
        path = path_import(
            source=source, name="Camino", start_date=programme_today() - dt.timedelta(days=9)
        )
    path.is_current = True
    path.save()
    path_cache_clear()
    group = GroupFactory()
    members = MemberFactory.create_batch(3, group=group)
    activity_log(user=members[0], day=user_today(members[0]), steps=100_000)
    client.force_login(members[0])
    response = client.get("/map/")
    data = response.context["map_data"]
    assert data["kind"] == "geographic"
    assert len(data["milestones"]) == 35 and len(data["markers"]) == 3
    points = [m["at"] for m in data["milestones"] + data["markers"]]
    # Northern Spain and France: every point lies within the Camino's box.
    assert all(42.0 < lat < 43.3 and -8.7 < lon < -1.1 for lat, lon in points)
    assert data["tiles"]["url"] == settings.MAP_TILE_URL
    page = response.content.decode()
    assert "Saint-Jean-Pied-de-Port" in page and "Santiago de Compostela" in page
