import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest
import time_machine
from django.test import override_settings

from cohort.core import clock

# 23:30 UTC on 10 March is already 08:30 on the 11th in Tokyo, and still 18:30 on the 10th
# in Chicago.
LATE_UTC = dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC)
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


@pytest.fixture(autouse=True)
def _late_evening_utc_programme_in_tokyo():
    with (
        override_settings(PROGRAMME_TIME_ZONE="Asia/Tokyo"),
        time_machine.travel(LATE_UTC, tick=False),
    ):
        yield


def test_the_programmes_today_is_its_own_date_not_utcs():
    assert clock.programme_today() == dt.date(2026, 3, 11)
    assert clock.today() == dt.date(2026, 3, 11)


def test_today_in_a_given_zone():
    assert clock.today(dt.UTC) == dt.date(2026, 3, 10)
    assert clock.today(CHICAGO) == dt.date(2026, 3, 10)


def test_the_programme_zone_follows_the_setting():
    assert clock.programme_zone() == TOKYO
    with override_settings(PROGRAMME_TIME_ZONE="America/Chicago"):
        assert clock.programme_zone() == CHICAGO
        assert clock.zone_for("Mars/Olympus") == CHICAGO


@pytest.mark.parametrize("name", [None, "", "Mars/Olympus", "../etc/passwd"])
def test_a_blank_or_unknown_zone_is_the_programmes(name):
    assert clock.zone_for(name) == TOKYO
    assert clock.zone_today(name) == dt.date(2026, 3, 11)


def test_a_known_zone_is_itself():
    assert clock.zone_for("America/Chicago") == CHICAGO
    assert clock.zone_today("America/Chicago") == dt.date(2026, 3, 10)


def test_a_users_today_is_in_their_own_zone():
    assert clock.user_today(SimpleNamespace(time_zone="America/Chicago")) == dt.date(2026, 3, 10)
    assert clock.user_today(SimpleNamespace(time_zone="Asia/Tokyo")) == dt.date(2026, 3, 11)
    assert clock.user_today(SimpleNamespace(time_zone="Nowhere/Atlantis")) == dt.date(2026, 3, 11)


def test_a_moments_local_date():
    assert clock.local_date(LATE_UTC) == dt.date(2026, 3, 11)
    assert clock.local_date(LATE_UTC, CHICAGO) == dt.date(2026, 3, 10)


def test_a_day_starts_at_midnight_in_the_programme_zone():
    start = clock.day_start(dt.date(2026, 3, 11))
    assert start == dt.datetime(2026, 3, 11, tzinfo=TOKYO)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 3, 10, 15, tzinfo=dt.UTC)
    assert clock.day_start(dt.date(2026, 3, 10), CHICAGO) == dt.datetime(
        2026, 3, 10, tzinfo=CHICAGO
    )
