import pytest
from django.conf import settings

from cohort.accounts.models import User
from cohort.accounts.tests.factories import DivisionFactory, GroupFactory, MemberFactory
from cohort.mentoring.tests.factories import Programme, staff


class Console:
    """A running programme (mentoring's Programme: a season, two groups with a mentor each,
    two members each), "mine" in division North, "theirs" in South; an organiser and
    North's coordinator."""

    def __init__(self):
        self.programme = Programme()
        self.north, self.south = DivisionFactory(name="North"), DivisionFactory(name="South")
        self.programme.mine.division = self.north
        self.programme.mine.save(update_fields=["division"])
        self.programme.theirs.division = self.south
        self.programme.theirs.save(update_fields=["division"])
        self.organiser = staff(User.Role.ORGANISER, email="olga@example.com")
        self.coordinator = staff(
            User.Role.COORDINATOR, division=self.north, email="cora@example.com"
        )
        self.leader = MemberFactory(group=self.programme.mine, has_personal_password=True)
        self.programme.mine.leader = self.leader
        self.programme.mine.save(update_fields=["leader"])


@pytest.fixture
def console(db):
    return Console()


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def another_group(db):
    return GroupFactory()


def session_queries() -> int:
    """Reading the session: from the cache with Redis (cached_db), the database without."""
    return 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
