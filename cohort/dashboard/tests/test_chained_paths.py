"""A member who finished the current path and moved on to the next one shows on the path they
are walking, on /map/ and on the dashboard (page and API), not at 100% of the old one."""

import datetime as dt

import pytest

from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.activity.services.daily import activity_log
from cohort.core.clock import user_today
from cohort.journeys.models import Enrollment
from cohort.journeys.tests.factories import STEPS_PER_UNIT, path_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    back = path_create(name="Way Back", current=False)
    there = path_create(name="Way There", next_path=back)
    back.start_date = there.start_date
    back.save()
    return there, back


@pytest.fixture
def walkers(chain, django_capture_on_commit_callbacks):
    """Ann finished Way There (100 km) two days ago and walked 20 km more; Bob is at 30 km."""
    group = GroupFactory()
    ann = MemberFactory(group=group, display_name="Ann")
    bob = MemberFactory(group=group, display_name="Bob")
    today = user_today(ann)
    with django_capture_on_commit_callbacks(execute=True):
        activity_log(user=ann, day=today - dt.timedelta(days=2), steps=100 * STEPS_PER_UNIT)
        activity_log(user=ann, day=today - dt.timedelta(days=1), steps=20 * STEPS_PER_UNIT)
        activity_log(user=bob, day=today, steps=30 * STEPS_PER_UNIT)
    return ann, bob


def test_the_finisher_is_enrolled_on_the_next_path(chain, walkers):
    there, back = chain
    ann, _ = walkers
    assert Enrollment.objects.get(user=ann, path=there).progress == 100
    assert Enrollment.objects.get(user=ann, path=back).steps == 20 * STEPS_PER_UNIT


def test_the_dashboard_shows_each_member_on_the_path_they_walk(client, chain, walkers):
    there, back = chain
    ann, bob = walkers
    client.force_login(bob)
    rows = client.get("/api/v1/dashboard").json()["results"]
    assert [(r["name"], r["progress"], r["distance"]) for r in rows] == [
        ("Ann", "20.00", "20.00"),  # on Way Back, ranked above anyone still on Way There
        ("Bob", "30.00", "30.00"),
    ]
    page = client.get("/").content.decode()
    assert "20.0 km" in page and "on Way Back" in page and "100.00%" not in page


def test_the_organisers_dashboard_pages_through_the_chain(client, chain, walkers):
    client.force_login(StaffFactory())
    rows = client.get("/api/v1/dashboard", {"scope": "all"}).json()["results"]
    assert [r["name"] for r in rows] == ["Ann", "Bob"]
    assert len(rows) == 2  # one row per member, not one per path


def test_the_map_shows_the_finisher_on_the_next_path(client, chain, walkers):
    there, back = chain
    ann, bob = walkers
    client.force_login(ann)
    response = client.get("/map/")
    page = response.content.decode()
    assert "<h1>Way Back</h1>" in page
    assert len(response.context["map_data"]["markers"]) == 1  # Ann alone walks Way Back
    assert "20.00 km" in page
    assert "Way There (1 walking)" in page and "Way Back (1 walking)" in page

    client.force_login(bob)
    response = client.get("/map/")
    page = response.content.decode()
    assert "<h1>Way There</h1>" in page
    assert len(response.context["map_data"]["markers"]) == 1 and "Bob (you)" in page

    other_leg = client.get(f"/map/?path={back.pk}").content.decode()
    assert "<h1>Way Back</h1>" in other_leg and "Ann · 20.00 km" in other_leg
