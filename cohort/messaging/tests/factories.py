import factory
from django.utils import timezone

from cohort.accounts.models import User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory, mentor_of
from cohort.messaging.models import Announcement, Message, Thread


def coordinator_of(division) -> User:
    return StaffFactory(role=User.Role.COORDINATOR, division=division)


class AnnouncementFactory(factory.django.DjangoModelFactory):
    """A published announcement to everyone (written straight to the table); pass
    audience/groups/division/status to vary it."""

    class Meta:
        model = Announcement
        skip_postgeneration_save = True

    author = factory.SubFactory(StaffFactory)
    audience = Announcement.Audience.EVERYONE
    title = factory.Sequence(lambda n: f"News {n}")
    text = "Something to know."
    status = Announcement.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.groups.set(extracted)


class ThreadFactory(factory.django.DjangoModelFactory):
    """A thread between a member and a mentor of their group."""

    class Meta:
        model = Thread

    student = factory.SubFactory(MemberFactory)
    mentor = factory.LazyAttribute(lambda t: mentor_of(t.student.group))


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    thread = factory.SubFactory(ThreadFactory)
    sender = factory.LazyAttribute(lambda m: m.thread.student)
    text = factory.Sequence(lambda n: f"Message {n}")


__all__ = ["GroupFactory", "MemberFactory", "StaffFactory", "mentor_of"]
