"""The /map/ page (its SVG drawing) on a geographic path: the line's lat/lon projected onto
the drawing, every marker on it."""

import datetime as dt
import re

import pytest

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
    page = client.get("/map/").content.decode()
    assert page.count('class="marker') == 3 and 'class="marker me"' in page
    xs = [float(x) for x in re.findall(r'cx="([\d.-]+)"', page)]
    ys = [float(y) for y in re.findall(r'cy="([\d.-]+)"', page)]
    assert len(xs) == 35 + 3  # the milestones, then the markers
    assert all(0 <= x <= 1000 for x in xs) and all(0 <= y <= 600 for y in ys)
    assert "Saint-Jean-Pied-de-Port" in page and "Santiago de Compostela" in page
