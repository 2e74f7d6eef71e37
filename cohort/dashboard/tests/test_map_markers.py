"""Markers on the Leaflet map: twenty members of a group get twenty colours told apart (a
colour a member chose is kept), initials, and a text colour readable on each (4.5:1)."""

import pytest

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.dashboard.map_data import text_colour
from cohort.journeys.selectors import MARKER_PALETTE, initials, path_current_get
from cohort.journeys.selectors import path_markers_for_group as markers_for
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_twenty_members_get_twenty_colours_and_a_chosen_one_is_kept():
    path_create()
    group = GroupFactory()
    MemberFactory.create_batch(19, group=group)
    chooser = MemberFactory(group=group, marker_colour="#123456")
    markers = markers_for(path=path_current_get(), group_id=group.pk, viewer_id=chooser.pk)
    colours = [m.colour for m in markers]
    assert len(set(colours)) == 20
    assert next(m.colour for m in markers if m.user_id == chooser.pk) == "#123456"


@pytest.mark.parametrize("colour", [*MARKER_PALETTE, "#ffffff", "#000000", "#2563eb", "#ffff00"])
def test_the_initials_are_readable_on_every_colour(colour):
    assert _contrast(colour, text_colour(colour)) >= 4.5


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("Ann Lee", "AL"),
        ("Bob", "B"),
        ("maría josé de la fuente", "MF"),
        ("  ", "?"),
        ("(x) Yo", "Y"),
    ],
)
def test_initials(name, letters):
    assert initials(name) == letters


def test_the_positions_api_gives_initials_and_the_colour(client):
    path = path_create()
    group = GroupFactory()
    viewer = MemberFactory(group=group, display_name="Ann Lee")
    client.force_login(viewer)
    (position,) = client.get(f"/api/v1/paths/{path.pk}/positions").json()
    assert position["initials"] == "AL" and position["colour"] == MARKER_PALETTE[0]
