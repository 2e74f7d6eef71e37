"""The postcard page (/milestones/<id>/), its photo, and the postcards under the map."""

import pytest
from django.core.files.base import ContentFile

from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.activity.services.daily import activity_log
from cohort.core.clock import user_today
from cohort.journeys.models import Milestone
from cohort.journeys.services import path_cache_clear
from cohort.journeys.tests.factories import path_create
from cohort.journeys.tests.test_milestone_postcards import PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestones(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = path_create()
    ford = Milestone.objects.get(path=path, name="Ford")
    ford.postcard = "Cold water up to the knees."
    ford.postcard_photo.save("heron.png", ContentFile(PNG), save=False)
    ford.save()
    Milestone.objects.filter(path=path, name="Inn").update(postcard="Soup by the fire.")
    path_cache_clear()
    return ford, Milestone.objects.get(path=path, name="Inn")


@pytest.fixture
def walker(client):
    member = MemberFactory(group=GroupFactory())
    activity_log(user=member, day=user_today(member), steps=1_500)  # past Ford only
    client.force_login(member)
    return member


def test_a_reached_postcard_shows_its_text_and_photo(client, milestones, walker):
    ford, _inn = milestones
    page = client.get(f"/milestones/{ford.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Postcard from Ford" in html and "Cold water up to the knees." in html
    assert f'src="/milestones/{ford.pk}/photo/"' in html
    photo = client.get(f"/milestones/{ford.pk}/photo/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content) == PNG


def test_a_postcard_ahead_is_404_page_and_photo(client, milestones, walker):
    _ford, inn = milestones
    assert client.get(f"/milestones/{inn.pk}/").status_code == 404
    assert client.get(f"/milestones/{inn.pk}/photo/").status_code == 404
    assert client.get("/milestones/999999/").status_code == 404


def test_the_map_lists_the_postcards_reached(client, milestones, walker):
    ford, inn = milestones
    html = client.get("/map/").content.decode()
    assert "Postcards" in html and "Cold water up to the knees." in html
    assert f'href="/milestones/{ford.pk}/"' in html
    assert "Soup by the fire." not in html and f"/milestones/{inn.pk}/" not in html


def test_organisers_see_every_postcard(client, milestones):
    _ford, inn = milestones
    client.force_login(StaffFactory())
    assert "Soup by the fire." in client.get(f"/milestones/{inn.pk}/").content.decode()
    assert "Soup by the fire." in client.get("/map/").content.decode()


def test_a_milestone_without_a_photo_has_no_photo(client, milestones):
    _ford, inn = milestones
    client.force_login(StaffFactory())
    assert client.get(f"/milestones/{inn.pk}/photo/").status_code == 404
