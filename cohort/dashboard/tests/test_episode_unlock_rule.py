"""Episodes open by approval, not by date: a locked episode says only that rule, an open
one shows its planned week."""

import re

import pytest

from cohort.accounts.tests.factories import MemberFactory
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory
from cohort.reviews.tests.factories import AssignmentFactory, episode_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def season():
    season = SeasonFactory()
    category = CategoryFactory(name="Learning", season_cap=100)
    AssignmentFactory(episode=episode_of(season, 1), category=category, title="Essay one")
    return season


def _episode(body: str, number: int) -> str:
    return re.search(rf'data-testid="episode-{number}".*?</li>\n', body, re.S).group(0)


def test_a_locked_episode_shows_the_approval_rule_and_no_dates(client, season):
    client.force_login(MemberFactory())
    body = client.get("/season/").content.decode()
    second = episode_of(season, 2)
    locked = _episode(body, 2)
    assert "Unlocks when a mentor approves your required work of episode 1" in locked
    assert second.starts_on.strftime("%-d %b") not in locked and "Planned for" not in locked


def test_an_open_episode_shows_its_planned_week_and_no_unlock_rule(client, season):
    client.force_login(MemberFactory())
    body = client.get("/season/").content.decode()
    first = _episode(body, 1)
    assert "Planned for " + episode_of(season, 1).starts_on.strftime("%-d %b") in first
    assert "Unlocks when" not in first


def test_the_submissions_page_says_the_rule_once_per_locked_episode(client, season):
    AssignmentFactory(episode=episode_of(season, 2), title="Essay two")
    AssignmentFactory(episode=episode_of(season, 2), title="Essay three")
    client.force_login(MemberFactory())
    body = client.get("/submissions/").content.decode()
    assert body.count("Unlocks when a mentor approves your required work of episode 1") == 1
