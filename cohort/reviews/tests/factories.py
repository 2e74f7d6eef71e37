import factory

from cohort.accounts.models import User
from cohort.accounts.tests.factories import MemberFactory
from cohort.competition.models import Episode
from cohort.competition.tests.factories import CategoryFactory
from cohort.reviews.models import Assignment, Submission


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A required, open assignment worth 10 points; pass episode=... to tie it to one."""

    class Meta:
        model = Assignment

    title = factory.Sequence(lambda n: f"Assignment {n}")
    category = factory.SubFactory(CategoryFactory)
    episode = None
    points = 10
    is_required = True
    is_open = True


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A pending submission (written straight to the table, past the service's checks)."""

    class Meta:
        model = Submission

    user = factory.SubFactory(MemberFactory)
    assignment = factory.SubFactory(AssignmentFactory)
    text = "My work"
    status = Submission.Status.PENDING


def episode_of(season, number: int) -> Episode:
    return season.episodes.get(number=number)


def mentor_of(group) -> User:
    """A mentor of `group` (no group of their own)."""
    mentor = MemberFactory(role=User.Role.MENTOR, group=None)
    group.mentors.add(mentor)
    return mentor
