"""A small world with known figures for the analytics tests."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.activity.models import DailyActivity
from cohort.activity.tests.factories import DailyActivityFactory
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory, points_give
from cohort.core.clock import programme_today
from cohort.journeys.models import Enrollment
from cohort.journeys.tests.factories import path_create
from cohort.reviews.tests.factories import (
    AssignmentFactory,
    SubmissionFactory,
    episode_of,
    mentor_of,
)


def day(offset: int) -> dt.date:
    """Today (in the programme's zone) minus `offset` days."""
    return programme_today() - dt.timedelta(days=offset)


def log(member, offset: int, steps: int, **extra) -> DailyActivity:
    return DailyActivityFactory(user=member, date=day(offset), steps=steps, **extra)


def enroll(member, path, progress: str, *, finished: bool = False) -> Enrollment:
    enrollment, _ = Enrollment.objects.update_or_create(  # enrolled at 0 when they joined
        user=member,
        path=path,
        defaults={
            "started_on": path.start_date,
            "progress": Decimal(progress),
            "completed_at": timezone.now() if finished else None,
        },
    )
    return enrollment


def world(groups: int = 2, division=None) -> dict:
    """`groups` groups of three members with activity, progress, points and submissions."""
    path = path_create()
    season = SeasonFactory(starts_on=programme_today().replace(day=1))
    walking, coding = CategoryFactory(name="Walking"), CategoryFactory(name="Coding")
    assignment = AssignmentFactory(category=coding, episode=episode_of(season, 1))
    made = {"path": path, "season": season, "categories": (walking, coding), "groups": []}
    for g in range(groups):
        group = GroupFactory(division=division)
        members = [MemberFactory(group=group) for _ in range(3)]
        mentor_of(group)
        for i, member in enumerate(members):
            log(member, 0, 1000 * (i + 1) + g)
            log(member, 1, 0 if i == 2 else 500)
            enroll(member, path, ["5", "95.5", "100"][i], finished=i == 2)
            points_give(member, season, walking, 10 * (i + 1))
            SubmissionFactory(
                user=member, assignment=assignment, status=["pending", "approved", "pending"][i]
            )
        made["groups"].append((group, members))
    return made
