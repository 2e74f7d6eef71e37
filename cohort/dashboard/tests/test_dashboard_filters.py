"""The staff dashboard's filter form: groups are picked by name from the groups the viewer
looks after (no numeric ids to know), and the orders read as words."""

import re

import pytest

from cohort.accounts.models import User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.dashboard.tests.test_dashboard import _enroll
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db


def _options(page: str, name: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of each option of the <select name=...>."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no <select name={name!r}>"
    return [
        (value, label.strip(), "selected" in attrs)
        for value, attrs, label in re.findall(
            r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select[1]
        )
    ]


def test_organisers_pick_a_group_by_name_and_see_only_its_members(client):
    path = path_create()
    walkers, hikers = GroupFactory(name="Walkers"), GroupFactory(name="Hikers")
    ana, cy = MemberFactory(group=walkers, display_name="Ana"), MemberFactory(group=hikers)
    _enroll(path, [ana, cy], [10, 20])
    client.force_login(StaffFactory())

    page = client.get("/").content.decode()
    assert "Group id" not in page
    assert _options(page, "group") == [
        ("", "All groups", True),
        (str(hikers.pk), "Hikers", False),
        (str(walkers.pk), "Walkers", False),
    ]

    page = client.get(f"/?group={walkers.pk}").content.decode()
    assert ("", "All groups", False) in _options(page, "group")
    assert (str(walkers.pk), "Walkers", True) in _options(page, "group")
    assert "Ana" in page
    assert cy.display_name not in page


def test_mentors_pick_only_among_the_groups_they_mentor(client):
    mine = GroupFactory(name="Mine")
    GroupFactory(name="Theirs")
    mentor = StaffFactory(role=User.Role.MENTOR)
    mine.mentors.add(mentor)
    client.force_login(mentor)
    labels = [label for _, label, _ in _options(client.get("/").content.decode(), "group")]
    assert labels == ["All groups", "Mine"]


def test_the_orders_read_as_words(client):
    client.force_login(StaffFactory())
    page = client.get("/?order=last_activity").content.decode()
    assert _options(page, "order") == [
        ("progress", "Progress", False),
        ("name", "Name", False),
        ("last_activity", "Last activity", True),
    ]
    assert "Lastactivity" not in page


def test_every_order_has_a_label():
    from cohort.dashboard.rows import ORDER_LABELS, ORDERS

    assert ORDER_LABELS.keys() == ORDERS.keys()
