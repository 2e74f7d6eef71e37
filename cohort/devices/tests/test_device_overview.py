"""/organise/devices/: enabled providers; per group, who is connected and who has not
synced lately. Organisers see every group, coordinators their division's."""

import datetime as dt

import pytest
from django.utils import timezone

from cohort.accounts.models import User
from cohort.accounts.tests.factories import (
    DivisionFactory,
    GroupFactory,
    MemberFactory,
    StaffFactory,
    mentor_of,
)
from cohort.devices.models import DeviceConnection


def _connect(user, *, synced_days_ago: float | None, status="active"):
    synced = (
        None if synced_days_ago is None else timezone.now() - dt.timedelta(days=synced_days_ago)
    )
    return DeviceConnection.objects.create(
        user=user, provider="google_health", status=status, last_sync_ok_at=synced
    )


@pytest.fixture
def groups(db):
    north, south = DivisionFactory(), DivisionFactory()
    a = GroupFactory(name="Alders", division=north)
    b = GroupFactory(name="Beeches", division=south)
    fresh = MemberFactory(group=a, display_name="Fresh Fern")
    stale = MemberFactory(group=a, display_name="Stale Sorrel")
    MemberFactory(group=a, display_name="Unplugged Una")
    broken = MemberFactory(group=b, display_name="Broken Bram")
    _connect(fresh, synced_days_ago=0.1)
    _connect(stale, synced_days_ago=4)
    _connect(broken, synced_days_ago=1, status="reconnect")
    return north, south


def test_organisers_see_every_group(google, groups, signed_in):
    page = signed_in(StaffFactory()).get("/organise/devices/").content.decode()
    assert "Google Health (Fitbit)" in page and "enabled" in page
    assert "Alders" in page and "Beeches" in page
    assert "2 / 3" in page  # Fresh and Stale connected of three
    alders = page[page.index("Alders") : page.index("Beeches")]
    stale_cell = alders.split("<td>")[2]  # after the count: connected, stale
    assert "Stale Sorrel" in stale_cell and "Fresh Fern" not in stale_cell
    assert "Broken Bram" in page[page.index("Beeches") :]


def test_coordinators_see_their_division_only(google, groups, signed_in):
    north, _ = groups
    coordinator = StaffFactory(role=User.Role.COORDINATOR, division=north)
    page = signed_in(coordinator).get("/organise/devices/").content.decode()
    assert "Alders" in page and "Beeches" not in page and "Broken Bram" not in page


def test_members_and_mentors_are_refused(google, groups, signed_in):
    member = User.objects.get(display_name="Fresh Fern")
    assert signed_in(member).get("/organise/devices/").status_code == 403
    mentor = mentor_of(member.group)
    assert signed_in(mentor).get("/organise/devices/").status_code == 403


def test_a_disabled_provider_is_shown_as_such(groups, signed_in, settings):
    settings.GOOGLE_HEALTH_CLIENT_ID = ""
    page = signed_in(StaffFactory()).get("/organise/devices/").content.decode()
    assert "not enabled" in page


@pytest.mark.parametrize("size", [2, 20])
def test_the_overview_reads_in_a_constant_number_of_queries(
    google, db, signed_in, django_assert_num_queries, settings, size
):
    organiser = StaffFactory()
    client = signed_in(organiser)
    for _group in range(size // 2):
        group = GroupFactory()
        for _ in range(2):
            _connect(MemberFactory(group=group), synced_days_ago=1)
    client.get("/organise/devices/")  # warm the session
    # (the session, where sessions live in the database), 1 the signed-in user, 2 the
    # groups, 3 their members, 4 the members' connections: the same for 2 groups as for 20.
    with django_assert_num_queries(4 + settings.SESSION_ENGINE.endswith(".db")):
        assert client.get("/organise/devices/").status_code == 200
