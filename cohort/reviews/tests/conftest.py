import pytest

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory
from cohort.reviews.tests.factories import AssignmentFactory, episode_of, mentor_of


@pytest.fixture
def season():
    return SeasonFactory()


@pytest.fixture
def category():
    return CategoryFactory(name="Career", season_cap=100)


@pytest.fixture
def group():
    return GroupFactory()


@pytest.fixture
def member(group):
    return MemberFactory(group=group)


@pytest.fixture
def mentor(group):
    return mentor_of(group)


@pytest.fixture
def first_work(season, category):
    """A required assignment of episode 1, worth 30 points."""
    return AssignmentFactory(episode=episode_of(season, 1), category=category, points=30)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
