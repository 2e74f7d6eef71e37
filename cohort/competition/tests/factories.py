from decimal import Decimal

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.journeys.models import Enrollment
from cohort.journeys.tests.factories import path_create


def walkers_on_path(distances, groups=None, path=None):
    """Members with these distances on the (current) path, spread over `groups`."""
    path = path or path_create()
    groups = groups or [GroupFactory()]
    members = []
    for i, distance in enumerate(distances):
        member = MemberFactory(group=groups[i % len(groups)])
        Enrollment.objects.create(
            user=member,
            path=path,
            started_on=path.start_date,
            steps=int(distance * 100),
            distance=Decimal(distance),
        )
        members.append(member)
    return path, members
