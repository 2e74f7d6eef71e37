"""Reads that combine several apps for the dashboard and the map."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cohort.activity.selectors import activity_stats
from cohort.core.clock import user_today
from cohort.journeys.progress import HUNDREDTH, distance_for_steps
from cohort.journeys.selectors import (
    Marker,
    PathView,
    path_chain_get,
    path_markers_for_group,
    path_walking_by_user,
)


@dataclass(frozen=True)
class MemberCard:
    """What the walking challenge showed on each member's card, plus bests and pace."""

    marker: Marker
    today_steps: int
    today_distance: Decimal
    to_end: Decimal
    best_day: dict | None
    last_updated_at: dt.datetime | None
    days_left: int | None
    pace_distance: Decimal | None
    pace_steps: int | None


def member_card(*, user, path: PathView, marker: Marker) -> MemberCard:
    """The viewer's card on `path`. Three small queries (today's row, best day, last update)."""
    today = user_today(user)
    stats = activity_stats(user_id=user.pk, today=today)
    to_end = path.total_distance - marker.distance
    days_left = pace_distance = pace_steps = None
    if path.end_date and not marker.completed:
        days_left = max(0, (path.end_date - today).days + 1)
        if days_left:
            pace_distance = (to_end / days_left).quantize(HUNDREDTH, ROUND_UP)
            pace_steps = int((to_end * path.steps_per_unit / days_left).to_integral_value(ROUND_UP))
    return MemberCard(
        marker=marker,
        today_steps=stats["today_steps"],
        today_distance=distance_for_steps(
            stats["today_steps"], path.steps_per_unit, path.total_distance
        ),
        to_end=to_end,
        best_day=stats["best_day"],
        last_updated_at=stats["last_updated_at"],
        days_left=days_left,
        pace_distance=pace_distance,
        pace_steps=pace_steps,
    )


def steps_chart(*, user, days: int = 14):
    """The member's counted steps on each of their last `days` days, as a column chart
    (one query)."""
    from cohort.activity.models import DailyActivity
    from cohort.analytics.charts import column_chart

    today = user_today(user)
    first = today - dt.timedelta(days=days - 1)
    logged = dict(
        DailyActivity.objects.filter(
            user=user, date__gte=first, date__lte=today, counted_steps__gt=0
        ).values_list("date", "counted_steps")
    )
    rows = [
        (date_format(first + dt.timedelta(days=n), "j M"), logged.get(first + dt.timedelta(n), 0))
        for n in range(days)
    ]
    return column_chart(
        slug="my-steps",
        title=_("Your steps, last %(days)s days") % {"days": days},
        description=_("Steps you logged on each of your last %(days)s days.") % {"days": days},
        rows=rows,
        value_label=_("Steps"),
    )


@dataclass(frozen=True)
class GroupMap:
    """The path a group's map shows, its markers, and (on a chain) each leg with how many of
    the group walk it, for the tabs between them."""

    path: PathView | None
    markers: list[Marker]
    legs: list[tuple[PathView, int]]


def map_for_group(*, viewer, group_id: int, path_id: str | None = None) -> GroupMap:
    """The leg the viewer walks (or `path_id`, one of the chain's), with a marker for each
    member of the group walking it: a finisher shows on the next path, not at 100% of the
    old one. Three queries: members, the chain's enrollments, the leg's enrollments."""
    from cohort.accounts.models import User

    chain = path_chain_get()
    if not chain:
        return GroupMap(None, [], [])
    if len(chain) == 1:
        path = chain[0]
        return GroupMap(
            path, path_markers_for_group(path=path, group_id=group_id, viewer_id=viewer.pk), []
        )
    members = User.objects.filter(group_id=group_id, is_active=True).values_list("pk", flat=True)
    walking = path_walking_by_user(user_ids=list(members), chain=chain)
    by_id = {p.id: p for p in chain}
    chosen = int(path_id) if path_id and path_id.isdigit() and int(path_id) in by_id else None
    path = by_id[chosen or walking.get(viewer.pk, chain[0].id)]
    markers = path_markers_for_group(
        path=path, group_id=group_id, viewer_id=viewer.pk, walking=walking
    )
    legs = [(p, sum(1 for leg in walking.values() if leg == p.id)) for p in chain]
    return GroupMap(path, markers, legs)
