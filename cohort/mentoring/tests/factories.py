"""Shared set-ups for the mentor page tests: a season, a Kickoff assignment, groups with a
mentor, and pending work."""

from cohort.accounts.models import User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory
from cohort.reviews.tests.factories import (
    AssignmentFactory,
    SubmissionFactory,
    episode_of,
    mentor_of,
)


class Programme:
    """A running season with one Kickoff assignment worth 30 points in "Career", and two
    groups (mine and theirs), each with a mentor and two members."""

    def __init__(self, *, members_per_group: int = 2):
        self.season = SeasonFactory()
        self.category = CategoryFactory(name="Career", season_cap=500)
        self.work = AssignmentFactory(
            episode=episode_of(self.season, 1), category=self.category, points=30
        )
        self.mine, self.theirs = GroupFactory(), GroupFactory()
        self.mentor, self.other_mentor = mentor_of(self.mine), mentor_of(self.theirs)
        self.students = [MemberFactory(group=self.mine) for _ in range(members_per_group)]
        self.others = [MemberFactory(group=self.theirs) for _ in range(members_per_group)]

    def pending(self, member, assignment=None):
        return SubmissionFactory(user=member, assignment=assignment or self.work)

    def assignment(self, **kwargs):
        kwargs.setdefault("category", self.category)
        kwargs.setdefault("episode", episode_of(self.season, 1))
        return AssignmentFactory(**kwargs)


def staff(role: str, **kwargs) -> User:
    return StaffFactory(role=role, **kwargs)
