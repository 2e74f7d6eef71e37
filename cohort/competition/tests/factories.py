import calendar
import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.competition.models import EPISODE_NAMES, Category, Episode, Season
from cohort.journeys.models import Enrollment
from cohort.journeys.tests.factories import path_create


def walkers_on_path(distances, groups=None, path=None):
    """Members with these distances on the (current) path, spread over `groups`."""
    path = path or path_create()
    groups = groups or [GroupFactory()]
    members = []
    for i, distance in enumerate(distances):
        member = MemberFactory(group=groups[i % len(groups)])
        Enrollment.objects.update_or_create(  # members are enrolled at 0 when they join
            user=member,
            path=path,
            defaults={
                "started_on": path.start_date,
                "steps": int(distance * 100),
                "distance": Decimal(distance),
            },
        )
        members.append(member)
    return path, members


class SeasonFactory(factory.django.DjangoModelFactory):
    """An active season of four weekly episodes, from `starts_on` (default: this month)."""

    class Meta:
        model = Season
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Season {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    ends_on = factory.LazyAttribute(
        lambda s: s.starts_on.replace(
            day=calendar.monthrange(s.starts_on.year, s.starts_on.month)[1]
        )
    )
    status = Season.Status.ACTIVE

    @factory.post_generation
    def episodes(season, create, extracted, **kwargs):
        if not create:
            return
        for number, name in enumerate(EPISODE_NAMES, start=1):
            starts = season.starts_on + dt.timedelta(days=7 * (number - 1))
            ends = season.ends_on if number == len(EPISODE_NAMES) else starts + dt.timedelta(6)
            Episode.objects.create(
                season=season, number=number, name=name, starts_on=starts, ends_on=ends
            )


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda c: c.name.lower().replace(" ", "-"))
    season_cap = 100
    rule = Category.Rule.WORK


class TitleFactory(factory.django.DjangoModelFactory):
    """A common title for sale at 50 credits; `award="champion"` (and is_for_sale=False)
    for one given at a season's end."""

    class Meta:
        model = "competition.Title"

    name = factory.Sequence(lambda n: f"Title {n}")
    rarity = "common"
    cost = 50
    is_for_sale = True
    award = ""


def points_give(member, season, category, points: int, source: str = ""):
    """Award `points` to a member through the ledger service (a fresh source by default)."""
    from cohort.competition.services.points import points_award

    return points_award(
        user_id=member.pk,
        season=season,
        category=category,
        source=source or f"test:{season.pk}:{category.pk}:{member.pk}",
        points=points,
        reason="test",
    )


def members_scored(season, category, scores: list[int]) -> list:
    """Members in groups of up to 20 with these season scores (0: took part, earned nothing)."""
    groups = [GroupFactory() for _ in range(0, len(scores), 20)]
    members = []
    for i, score in enumerate(scores):
        member = MemberFactory(group=groups[i // 20])
        if score:
            points_give(member, season, category, score)
        members.append(member)
    return members


def answer_without_redis(settings, answer):
    """`answer()` with Redis out of the picture: the database's answer."""
    from cohort.competition.leaderboards import store

    redis_url, settings.REDIS_URL = settings.REDIS_URL, ""
    store.client.cache_clear()
    try:
        return answer()
    finally:
        settings.REDIS_URL = redis_url
        store.client.cache_clear()
