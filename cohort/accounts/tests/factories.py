import factory
from django.contrib.auth.hashers import make_password

from cohort.accounts.models import Division, Group, User

GROUP_PASSWORD = "walk-together-every-day"
STAFF_PASSWORD = "organise-the-whole-thing"
PERSONAL_PASSWORD = "only-mine-to-know-2026"


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division

    name = factory.Sequence(lambda n: f"Floor {n}")


class GroupFactory(factory.django.DjangoModelFactory):
    """A group whose password is GROUP_PASSWORD. Add members with MemberFactory."""

    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Group {n}")
    password = factory.LazyFunction(lambda: make_password(GROUP_PASSWORD))


class MemberFactory(factory.django.DjangoModelFactory):
    """A member; keeps the group's member_count in step, as the services do."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Member {n}")
    group = factory.SubFactory(GroupFactory)
    password = "!unusable"
    role = User.Role.MEMBER

    class Params:
        # A member who set their own password (PERSONAL_PASSWORD): the group password no
        # longer signs in as them. Leaders need one to use the leader tools.
        has_personal_password = factory.Trait(
            password=factory.LazyFunction(lambda: make_password(PERSONAL_PASSWORD))
        )

    @factory.post_generation
    def count_in_group(obj, create, extracted, **kwargs):
        if create and obj.group_id:
            Group.objects.filter(pk=obj.group_id).update(
                member_count=User.objects.filter(group_id=obj.group_id).count()
            )
            obj.group.refresh_from_db()


class StaffFactory(factory.django.DjangoModelFactory):
    """An organiser (or another staff role via role=...) with their own password."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"staff{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Staff {n}")
    role = User.Role.ORGANISER
    password = factory.LazyFunction(lambda: make_password(STAFF_PASSWORD))


def mentor_of(*groups) -> User:
    """A mentor (no group of their own) of these groups."""
    mentor = MemberFactory(role=User.Role.MENTOR, group=None)
    for group in groups:
        group.mentors.add(mentor)
    return mentor
