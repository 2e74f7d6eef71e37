import datetime as dt

import pytest
from django.urls import reverse

from cohort.accounts.tests.factories import StaffFactory
from cohort.competition.models import Category, PointsEntry, Season
from cohort.competition.selectors.seasons import categories_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client):
    client.force_login(StaffFactory())
    return client


def test_adding_a_season_in_the_admin_gives_it_episodes(organiser_client):
    response = organiser_client.post(
        reverse("admin:competition_season_add"),
        {
            "name": "January 2027",
            "starts_on": "2027-01-01",
            "ends_on": "2027-01-31",
            "point_cap": 1500,
            "ascension_bonus": 5,
            "credit_divisor": 10,
            "episode_count": 4,
        },
    )

    assert response.status_code == 302
    season = Season.objects.get(name="January 2027")
    assert season.status == Season.Status.UPCOMING
    assert season.episodes.count() == 4
    assert season.episodes.get(number=4).ends_on == dt.date(2027, 1, 31)


def test_a_category_edit_shows_at_once(organiser_client, django_capture_on_commit_callbacks):
    category = Category.objects.create(name="Learning", slug="learning", season_cap=100)
    assert [c.season_cap for c in categories_list()] == [100]

    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(
            reverse("admin:competition_category_change", args=[category.pk]),
            {"name": "Learning", "slug": "learning", "season_cap": 150, "rule": "work",
             "points_per_day": 0, "min_steps": 0, "order": 0, "monthly_target": 1},
        )  # fmt: skip

    assert [c.season_cap for c in categories_list()] == [150]


def test_the_ledger_cannot_be_edited_in_the_admin(organiser_client):
    assert organiser_client.get(reverse("admin:competition_pointsentry_add")).status_code == 403
    assert (
        organiser_client.get(reverse("admin:competition_pointsentry_changelist")).status_code == 200
    )
    assert PointsEntry.objects.count() == 0
