"""The points that activity and coding earn, settled into the competition ledger with one
stable source per member, category and season, so any number of settlements of the same
days leaves the same net points (points_award appends only the difference)."""

import datetime as dt
import logging

from django.db.models import Count, Q, Sum

from cohort.activity.models import DailyActivity
from cohort.activity.services.streaks import streak_compute
from cohort.competition.models import Category, PointsEntry, Season
from cohort.competition.selectors.seasons import category_by_rule, season_current, season_for_day
from cohort.competition.services.points import points_award
from cohort.core.exceptions import Conflict

logger = logging.getLogger(__name__)

CODING_BANDS = (80, 60, 40, 20)  # percent of the season covered -> percent of the cap


def activity_source(category: Category, season: Season, user_id: int) -> str:
    return f"activity:{category.pk}:{season.pk}:{user_id}"


def coding_source(category: Category, season: Season, user_id: int) -> str:
    return f"coding:{category.pk}:{season.pk}:{user_id}"


def _award(
    *,
    user_id: int,
    season: Season,
    category: Category,
    source: str,
    points: int,
    reason,
    group_id: int | None = None,
):
    try:
        points_award(
            group_id=group_id,
            user_id=user_id,
            season=season,
            category=category,
            source=source,
            points=points,
            reason=reason,
        )
    except Conflict as exc:  # the season was finalised meanwhile: its points are frozen
        logger.info("points for %s not settled: %s", source, exc)


def _season_days(season: Season):
    """Counted days (counted steps > 0) inside the season's window."""
    return DailyActivity.objects.filter(
        date__gte=season.starts_on, date__lte=season.ends_on, counted_steps__gt=0
    ).order_by()


def _day_counts(categories: list[Category]) -> dict:
    return {f"c{c.pk}": Count("id", filter=Q(counted_steps__gte=c.min_steps)) for c in categories}


def activity_points_settle(
    *, user_id: int, day: dt.date, found: dict | None = None, group_id: int | None = None
) -> None:
    """Settle the member's points in every activity category for the season holding `day`
    (nothing when no season still taking points holds it). Safe inside the day's transaction.
    `found`: the cached categories and season the caller already fetched (cache_get_many);
    `group_id`: the member's group, when the caller has it."""
    categories = category_by_rule(Category.Rule.ACTIVITY, found)
    season = season_for_day(day, found) if categories else None
    if season is None or season.status == Season.Status.FINALISED:
        return
    counts = _season_days(season).filter(user_id=user_id).aggregate(**_day_counts(categories))
    for category in categories:
        days = counts[f"c{category.pk}"]
        _award(
            user_id=user_id,
            season=season,
            category=category,
            source=activity_source(category, season, user_id),
            group_id=group_id,
            points=days * category.points_per_day,
            reason=f"{days} day(s) of {category.min_steps:,}+ steps",
        )


def activity_points_settle_members(*, members) -> int:
    """Settle the activity points of `members` (a User queryset) in every season still taking
    points: two queries per season find the members whose ledger differs from their days,
    and only those are awarded. Returns how many awards changed."""
    categories = category_by_rule(Category.Rule.ACTIVITY)
    if not categories:
        return 0
    settled = 0
    for season in Season.objects.exclude(status=Season.Status.FINALISED):
        targets = _season_targets(season, categories, members)
        held = _season_ledger(season, categories, members)
        by_pk = {c.pk: c for c in categories}
        for user_id, category_id in targets.keys() | held.keys():
            target = targets.get((user_id, category_id), (0, 0))
            if target[1] == held.get((user_id, category_id), 0):
                continue
            category = by_pk[category_id]
            _award(
                user_id=user_id,
                season=season,
                category=category,
                source=activity_source(category, season, user_id),
                points=target[1],
                reason=f"{target[0]} day(s) of {category.min_steps:,}+ steps",
            )
            settled += 1
    return settled


def _season_targets(season: Season, categories, members) -> dict[tuple[int, int], tuple]:
    """(user id, category id) -> (days, points) the member's days earn."""
    rows = (
        _season_days(season)
        .filter(user__in=members)
        .values("user_id")
        .annotate(**_day_counts(categories))
    )
    return {
        (row["user_id"], c.pk): (row[f"c{c.pk}"], row[f"c{c.pk}"] * c.points_per_day)
        for row in rows
        for c in categories
    }


def _season_ledger(season: Season, categories, members) -> dict[tuple[int, int], int]:
    """(user id, category id) -> net points the ledger holds for the activity source."""
    rows = (
        PointsEntry.objects.filter(
            season=season, category__in=categories, user__in=members, source__startswith="activity:"
        )
        .order_by()
        .values("user_id", "category_id")
        .annotate(net=Sum("points"))
    )
    return {(row["user_id"], row["category_id"]): row["net"] for row in rows}


def coding_points_for(*, covered: int, season_days: int, cap: int) -> int:
    """The coding-streak band: a run covering the whole season but two days earns the cap,
    80 % of the season 80 % of the cap, and so on down to 20 %; less earns nothing."""
    if covered <= 0:
        return 0
    if covered >= season_days - 2:
        return cap
    for percent in CODING_BANDS:
        if covered * 100 >= percent * season_days:
            return cap * percent // 100
    return 0


def coding_points_settle(*, user_id: int, days: set[dt.date], today: dt.date) -> None:
    """Settle the member's coding-streak points in the active season from their LeetCode
    days: the longest run inside the season's window up to `today` sets the band."""
    categories = category_by_rule(Category.Rule.CODING_STREAK)
    season = season_current() if categories else None
    if season is None:
        return
    until = min(today, season.ends_on)
    inside = [day for day in days if season.starts_on <= day <= until]
    covered = streak_compute(inside, today=today).longest
    for category in categories:
        _award(
            user_id=user_id,
            season=season,
            category=category,
            source=coding_source(category, season, user_id),
            points=coding_points_for(
                covered=covered, season_days=season.days, cap=category.season_cap
            ),
            reason=f"a {covered}-day LeetCode run in {season.name}",
        )
