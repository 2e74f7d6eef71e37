"""Reads of seasons, categories and a member's points."""

import datetime as dt
from dataclasses import dataclass

from cohort.competition.models import Category, CategoryTotal, Season, SeasonScore
from cohort.core.caching import cached_from

SEASON_CURRENT_KEY = "season:current:v1"
CATEGORIES_KEY = "categories:all"


def season_current(found: dict | None = None) -> Season | None:
    """The active season, or None between seasons. Cached; dropped by the season services
    (`found`: values the caller already fetched with cache_get_many)."""

    def load():
        return Season.objects.filter(status=Season.Status.ACTIVE).first() or False

    return cached_from(found or {}, "season_current", SEASON_CURRENT_KEY, load, 300) or None


def season_for_day(day: dt.date, found: dict | None = None) -> Season | None:
    """The season still taking points whose window holds `day` (the active one, or an
    upcoming one whose days are being logged early), else None (`found`: as season_current)."""
    current = season_current(found)
    if current is not None and current.starts_on <= day <= current.ends_on:
        return current
    return (
        Season.objects.filter(starts_on__lte=day, ends_on__gte=day)
        .exclude(status=Season.Status.FINALISED)
        .first()
    )


def seasons_near(*, day: dt.date, days: int = 62) -> list[Season]:
    """Seasons whose window comes within `days` of `day`, earliest first (for reports of
    what a season job did)."""
    return list(
        Season.objects.filter(
            ends_on__gte=day - dt.timedelta(days=days), starts_on__lte=day + dt.timedelta(days=days)
        ).order_by("starts_on")
    )


def categories_list(found: dict | None = None) -> list[Category]:
    """Every category, cached (`found`: as season_current)."""
    load = lambda: list(Category.objects.all())  # noqa: E731
    return cached_from(found or {}, "categories", CATEGORIES_KEY, load, 300)


def category_by_rule(rule: str, found: dict | None = None) -> list[Category]:
    return [c for c in categories_list(found) if c.rule == rule]


@dataclass
class CategoryPoints:
    category: Category
    points: int  # raw, as the ledger sums them

    @property
    def counted(self) -> int:
        return min(max(self.points, 0), self.category.season_cap)


def member_points(*, user_id: int, season: Season) -> tuple[int, list[CategoryPoints]]:
    """(season score, each category's points against its cap) for one member."""
    raw = dict(
        CategoryTotal.objects.filter(user_id=user_id, season=season).values_list(
            "category_id", "points"
        )
    )
    score = (
        SeasonScore.objects.filter(user_id=user_id, season=season)
        .values_list("score", flat=True)
        .first()
    )
    rows = [CategoryPoints(c, raw.get(c.pk, 0)) for c in categories_list()]
    return score or 0, rows
