"""Distances on the board pages carry the path's unit and read rounded to a tenth."""

from decimal import Decimal

import pytest

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.competition.leaderboards import store
from cohort.competition.tests.factories import walkers_on_path
from cohort.core.templatetags.cohort_format import distance

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (Decimal("3702.68"), "km", "3,702.6 km"),
        ("0", "mi", "0.0 mi"),
        ("12.05", "mi", "12.0 mi"),
        (None, "km", ""),
    ],
)
def test_a_distance_reads_with_its_unit(value, unit, text):
    assert distance(value, unit) == text


def test_the_groups_board_gives_totals_with_the_unit(client, settings):
    settings.REDIS_URL = ""
    store.client.cache_clear()
    owls = GroupFactory(name="Owls")
    walkers_on_path([1851.34, 1851.34], [owls])
    client.force_login(MemberFactory(group=owls))
    page = client.get("/leaderboards/?board=groups").content.decode()
    assert "3,702.6 km" in page  # the total, was "3702.68"
    assert "1,851.3 km" in page  # per active member
    assert "3702.68" not in page
