"""Item 19: postcards are no spoilers. A member who guesses milestone ids (pages and photos)
gets 404 for every milestone they have not reached, on their path or another; visitors are
sent to sign in; the API's path description carries no postcard."""

import pytest
from django.test import Client

from cohort.accounts.tests.factories import MemberFactory
from cohort.activity.services.daily import activity_log
from cohort.core.clock import user_today
from cohort.journeys.models import Milestone
from cohort.journeys.services import path_cache_clear
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db

SECRET = "The treasure is under the third oak."


@pytest.fixture
def walker():
    current = path_create()
    other = path_create(name="Other Way", current=False)
    Milestone.objects.filter(path__in=[current, other]).update(postcard=SECRET)
    path_cache_clear()
    member = MemberFactory()
    activity_log(user=member, day=user_today(member), steps=1_500)  # Start and Ford only
    client = Client()
    client.force_login(member)
    return client, current


def test_every_unreached_milestone_is_404_by_page_and_photo(walker):
    client, current = walker
    reached = set(
        Milestone.objects.filter(path=current, name__in=["Start", "Ford"]).values_list(
            "pk", flat=True
        )
    )
    for milestone_id in Milestone.objects.values_list("pk", flat=True):
        page = client.get(f"/milestones/{milestone_id}/")
        assert page.status_code == (200 if milestone_id in reached else 404), milestone_id
        if milestone_id not in reached:
            assert SECRET not in page.content.decode()
            assert client.get(f"/milestones/{milestone_id}/photo/").status_code == 404
    assert SECRET not in client.get("/api/v1/paths/current").content.decode()
    # The map page shows each reached postcard twice (the list, the map's data), no other.
    response = client.get("/map/")
    assert response.content.decode().count(SECRET) == 2 * len(reached)
    on_map = {m["id"] for m in response.context["map_data"]["milestones"] if m["postcard"]}
    assert on_map == reached


def test_visitors_are_sent_to_sign_in(walker):
    _client, current = walker
    milestone = Milestone.objects.filter(path=current).first()
    for url in (f"/milestones/{milestone.pk}/", f"/milestones/{milestone.pk}/photo/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
