import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from cohort.accounts.tests.factories import MemberFactory
from cohort.competition.models import Season
from cohort.competition.services.seasons import season_create, seasons_update
from cohort.competition.tests.factories import SeasonFactory
from cohort.core.exceptions import Conflict, InvalidInput
from cohort.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_month_gets_four_weekly_episodes_and_the_finale_runs_to_its_end():
    season = season_create(starts_on=dt.date(2027, 2, 1))

    windows = list(season.episodes.values_list("name", "starts_on", "ends_on"))
    assert season.ends_on == dt.date(2027, 2, 28)
    assert windows == [
        ("Kickoff", dt.date(2027, 2, 1), dt.date(2027, 2, 7)),
        ("Build", dt.date(2027, 2, 8), dt.date(2027, 2, 14)),
        ("Intensity", dt.date(2027, 2, 15), dt.date(2027, 2, 21)),
        ("Finale", dt.date(2027, 2, 22), dt.date(2027, 2, 28)),
    ]
    assert season.status == Season.Status.UPCOMING


def test_seasons_cannot_overlap_or_be_too_short():
    season_create(starts_on=dt.date(2027, 3, 1))
    with pytest.raises(Conflict):
        season_create(starts_on=dt.date(2027, 3, 15), ends_on=dt.date(2027, 4, 15))
    with pytest.raises(InvalidInput):
        season_create(starts_on=dt.date(2027, 5, 1), ends_on=dt.date(2027, 5, 10))


def test_month_end_finalises_the_old_season_and_opens_the_next_with_its_settings():
    old = SeasonFactory(
        starts_on=dt.date(2026, 11, 1), point_cap=1200, ascension_bonus=7, credit_divisor=5
    )
    MemberFactory()

    done = seasons_update(today=dt.date(2026, 12, 1))

    old.refresh_from_db()
    new = Season.objects.get(status=Season.Status.ACTIVE)
    assert old.status == Season.Status.FINALISED and old.finalised_at is not None
    assert (new.starts_on, new.ends_on) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert (new.point_cap, new.ascension_bonus, new.credit_divisor) == (1200, 7, 5)
    assert new.episodes.count() == 4
    assert done.finalised == [old.name] and done.activated == [new.name]


def test_running_it_again_changes_nothing():
    SeasonFactory(starts_on=dt.date(2026, 11, 1))
    MemberFactory()
    seasons_update(today=dt.date(2026, 12, 1))
    notifications = Notification.objects.count()

    again = seasons_update(today=dt.date(2026, 12, 1))

    assert (again.finalised, again.activated, again.created) == ([], [], [])
    assert Season.objects.count() == 2
    assert Notification.objects.count() == notifications


@pytest.mark.parametrize(
    ("utc_now", "finalised"),
    [
        # 21:00 on 30 November in Chicago: the season still has three hours to go.
        ("2026-12-01T03:00:00+00:00", False),
        # 00:30 on 1 December in Chicago: over.
        ("2026-12-01T06:30:00+00:00", True),
    ],
)
def test_a_season_ends_at_midnight_in_the_programme_zone(settings, utc_now, finalised):
    settings.PROGRAMME_TIME_ZONE = "America/Chicago"
    season = SeasonFactory(starts_on=dt.date(2026, 11, 1))

    with time_machine.travel(dt.datetime.fromisoformat(utc_now), tick=False):
        seasons_update()

    season.refresh_from_db()
    assert (season.status == Season.Status.FINALISED) is finalised


def test_create_next_opens_the_following_season_once():
    current = SeasonFactory(starts_on=dt.date(2026, 11, 1))

    seasons_update(today=dt.date(2026, 11, 20), create_next=True)
    seasons_update(today=dt.date(2026, 11, 21), create_next=True)

    upcoming = Season.objects.get(status=Season.Status.UPCOMING)
    assert upcoming.starts_on == current.ends_on + dt.timedelta(days=1)
    assert Season.objects.count() == 2


def test_create_next_on_a_fresh_install_starts_this_months_season(capsys):
    call_command("update_seasons", "--create-next", "--today", "2026-11-25")

    season = Season.objects.get()
    assert season.status == Season.Status.ACTIVE
    assert (season.starts_on, season.ends_on) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert "activated: November 2026" in capsys.readouterr().out


def test_the_command_rejects_a_malformed_day():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--today"):
        call_command("update_seasons", "--today", "25/11/2026")


def test_starting_a_season_tells_the_members_once():
    member = MemberFactory()
    season_create(starts_on=dt.date(2026, 12, 1))

    seasons_update(today=dt.date(2026, 12, 1))
    seasons_update(today=dt.date(2026, 12, 2))

    texts = list(Notification.objects.filter(recipient=member).values_list("text", flat=True))
    assert texts == ["December 2026 has begun: four weeks of episodes."]


def test_update_seasons_verbose_names_the_day_and_every_season_near_it(capsys, settings):
    """--verbose, like the other scheduled commands: the programme day it ran for, each step,
    and the seasons around that day with their windows and status."""
    settings.PROGRAMME_TIME_ZONE = "America/Chicago"
    season_create(starts_on=dt.date(2026, 10, 1))
    call_command("update_seasons", "--create-next", "--today", "2026-11-02", "--verbose")

    out = capsys.readouterr().out
    assert "Programme day: 2026-11-02 (America/Chicago)" in out
    assert "Finalised: none" in out
    assert "Activated: November 2026" in out
    assert "Created: November 2026, December 2026" in out
    assert "October 2026: 2026-10-01..2026-10-31, upcoming" in out  # never activated
    assert "November 2026: 2026-11-01..2026-11-30, active" in out
    assert "December 2026: 2026-12-01..2026-12-31, upcoming" in out
    assert out.rstrip().endswith(
        "Seasons: finalised: none; activated: November 2026; created: November 2026, December 2026."
    )


def test_update_seasons_without_verbose_prints_only_the_summary(capsys):
    call_command("update_seasons", "--create-next", "--today", "2026-11-25")
    assert capsys.readouterr().out.count("\n") == 1
