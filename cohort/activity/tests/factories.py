import factory

from cohort.accounts.tests.factories import MemberFactory
from cohort.activity.models import DailyActivity, Streak
from cohort.core.clock import user_today


class DailyActivityFactory(factory.django.DjangoModelFactory):
    """A day of steps written straight to the table, past activity_log: nothing else (progress,
    streaks, points, caches) follows. Defaults to the member's today."""

    class Meta:
        model = DailyActivity

    user = factory.SubFactory(MemberFactory)
    date = factory.LazyAttribute(lambda day: user_today(day.user))
    steps = 1_000


class StreakFactory(factory.django.DjangoModelFactory):
    """A member's activity streak as stored, without the days that would make it."""

    class Meta:
        model = Streak

    user = factory.SubFactory(MemberFactory)
    kind = Streak.Kind.ACTIVITY
    current = 0
    longest = 0
