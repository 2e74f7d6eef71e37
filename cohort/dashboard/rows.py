"""The dashboard's member rows: the viewer's group, or (organisers, mentors) everyone they
look after, paged by cursor. A page costs the same few queries at any size."""

import binascii
import datetime as dt
import json
from base64 import urlsafe_b64decode, urlsafe_b64encode
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohort.accounts import permissions
from cohort.accounts.models import Group, User
from cohort.activity.models import DailyActivity, Streak
from cohort.activity.services.streaks import streak_current
from cohort.competition.leaderboards.cache import group_dashboard_version
from cohort.competition.models import Season, SeasonScore
from cohort.competition.selectors.seasons import season_current
from cohort.core.caching import cached
from cohort.core.clock import user_today
from cohort.core.exceptions import InvalidInput, PermissionDenied
from cohort.journeys.models import Enrollment
from cohort.journeys.selectors import path_chain_get

ORDERS = {
    # name: (the keyset's value, then user_id to break ties)
    "progress": ("-distance", "user_id"),  # ("-walked", ...) when paths are chained
    "name": ("name_key", "user_id"),
    "last_activity": ("-last_logged", "user_id"),
}
ORDER_LABELS = {
    "progress": gettext_lazy("Progress"),
    "name": gettext_lazy("Name"),
    "last_activity": gettext_lazy("Last activity"),
}
_NEVER = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class Filters:
    scope: str = "group"  # "group" (the viewer's) or "all" (everyone the viewer looks after)
    order: str = "progress"
    group_id: int | None = None
    search: str = ""
    progress_min: Decimal | None = None
    progress_max: Decimal | None = None


@dataclass
class DashboardRow:
    user_id: int
    name: str
    email: str
    group: str
    marker_colour: str
    distance: Decimal
    progress: Decimal
    milestone: str
    today_steps: int
    week_steps: int
    last_logged_on: dt.date | None
    streak: int = 0  # the activity streak, 0 once broken
    season_points: int | None = None  # None between seasons
    unit: str = ""
    path_name: str = ""  # set when paths are chained: which one the member is walking


def dashboard_queryset(
    *, viewer: User, filters: Filters, season: Season | None
) -> QuerySet[Enrollment]:
    """Enrollments on the current path the viewer may see, filtered and ordered."""
    if filters.order not in ORDERS:
        raise InvalidInput(_("Order by %(join)s.") % {"join": ", ".join(ORDERS)})
    rows = _walking_enrollments(path_chain_get())
    rows = rows.filter(user__role=User.Role.MEMBER, user__is_active=True)
    if filters.scope == "group":
        if not viewer.group_id:
            raise InvalidInput(_("You are not in a group; ask for scope=all."))
        rows = rows.filter(user__group_id=viewer.group_id)
    elif filters.scope == "all":
        if not permissions.looks_after_groups(viewer):
            raise PermissionDenied(_("Only organisers, coordinators and mentors see everyone."))
        if not permissions.may_see_all_groups(viewer):  # the groups they look after, no others
            rows = rows.filter(user__group__in=Group.objects.for_viewer(viewer))
    else:
        raise InvalidInput(_("The scope is group or all."))
    if filters.group_id is not None:
        rows = rows.filter(user__group_id=filters.group_id)
    if filters.search:
        term = filters.search.strip()
        rows = rows.filter(Q(user__display_name__icontains=term) | Q(user__email__icontains=term))
    if filters.progress_min is not None:
        rows = rows.filter(progress__gte=filters.progress_min)
    if filters.progress_max is not None:
        rows = rows.filter(progress__lte=filters.progress_max)
    return rows.select_related("user__group", "current_milestone").annotate(
        name_key=Lower("user__display_name"),
        last_logged=Coalesce("user__last_logged_on", _NEVER),
        **_season_columns(season),
    )


# Sorts a member on a later leg of a chain above everyone on an earlier one: a leg is worth
# more than any distance (the column holds under 10^7).
_LEG = Decimal(10**7)


def _walking_enrollments(chain: list) -> QuerySet[Enrollment]:
    """Each member's enrollment on the path they are walking: the current path's, or on a
    chain, the latest leg they started (a finisher shows on the next path, not at 100% of
    the last). One path keeps the plain filter that the (path, -distance, user) index serves."""
    if not chain:
        return Enrollment.objects.none()
    if len(chain) == 1:
        return Enrollment.objects.filter(path_id=chain[0].id)
    ids = [p.id for p in chain]
    later = Enrollment.objects.filter(
        user_id=OuterRef("user_id"), path_id__in=ids, started_on__gt=OuterRef("started_on")
    )
    leg = Case(
        *[When(path_id=p.id, then=Value(i)) for i, p in enumerate(chain)],
        output_field=DecimalField(max_digits=4, decimal_places=0),
    )
    return (
        Enrollment.objects.filter(path_id__in=ids)
        .exclude(Exists(later))
        .annotate(
            walked=ExpressionWrapper(
                leg * _LEG + F("distance"), DecimalField(max_digits=20, decimal_places=2)
            )
        )
    )


def _order(filters: Filters, chain: list) -> tuple[str, str]:
    if filters.order == "progress" and len(chain) > 1:
        return ("-walked", "user_id")
    return ORDERS[filters.order]


def _season_columns(season: Season | None) -> dict:
    """The streak and season points as subqueries of the page's one query."""
    streaks = Streak.objects.filter(user_id=OuterRef("user_id"), kind=Streak.Kind.ACTIVITY)
    columns = {
        "streak_current": Subquery(streaks.values("current")[:1]),
        "streak_last_day": Subquery(streaks.values("last_day")[:1]),
    }
    if season is not None:
        scores = SeasonScore.objects.filter(user_id=OuterRef("user_id"), season_id=season.pk)
        columns["season_score"] = Coalesce(Subquery(scores.values("score")[:1]), 0)
    return columns


def _streak_shown(enrollment: Enrollment) -> int:
    """The stored streak, unless the member's yesterday went unlogged (the nightly job
    writes the 0; the page shouldn't wait for it)."""
    return streak_current(
        trailing=enrollment.streak_current or 0,
        last_day=enrollment.streak_last_day,
        today=user_today(enrollment.user),
    )


def dashboard_rows(*, enrollments: list[Enrollment], viewer: User) -> list[DashboardRow]:
    """Rows for a page of enrollments: one more query, for today's and this week's steps
    (the week starts on Monday of the viewer's today)."""
    today = user_today(viewer)
    monday = today - dt.timedelta(days=today.weekday())
    ids = [e.user_id for e in enrollments]
    steps = (
        DailyActivity.objects.filter(
            user_id__in=ids, date__gte=monday, date__lte=today, counted_steps__gt=0
        )
        .values("user_id")
        .annotate(
            week=Sum("counted_steps"),
            today=Coalesce(Sum("counted_steps", filter=Q(date=today)), 0),
        )
    )
    by_user = {row["user_id"]: row for row in steps}
    chain = {p.id: p for p in path_chain_get()}
    return [
        DashboardRow(
            user_id=e.user_id,
            name=e.user.display_name,
            email=e.user.email,
            group=e.user.group.name if e.user.group else "",
            marker_colour=e.user.marker_colour,
            distance=e.distance,
            progress=e.progress,
            milestone=e.current_milestone.name if e.current_milestone else "",
            today_steps=by_user.get(e.user_id, {}).get("today", 0),
            week_steps=by_user.get(e.user_id, {}).get("week", 0),
            last_logged_on=e.user.last_logged_on,
            streak=_streak_shown(e),
            season_points=getattr(e, "season_score", None),
            unit=chain[e.path_id].unit if e.path_id in chain else "",
            path_name=chain[e.path_id].name if len(chain) > 1 and e.path_id in chain else "",
        )
        for e in enrollments
    ]


PAGE_SIZE = 50


def _cursor_encode(row: Enrollment, field: str) -> str:
    value = getattr(row, field)
    payload = json.dumps([str(value), row.user_id])
    return urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _cursor_value(field: str, value):
    """The cursor's value as its column holds it; ValueError for one no page gave out (a
    forged one must not reach the database: NUL in text, a number past the column)."""
    if not isinstance(value, str) or "\x00" in value:
        raise ValueError
    if field in ("distance", "walked"):
        number = Decimal(value)
        if not number.is_finite() or abs(number) >= 10**9:
            raise ValueError
        return number
    if field == "last_logged":
        return dt.date.fromisoformat(value)
    return value


def _after(rows: QuerySet, order: tuple[str, str], cursor: str) -> QuerySet:
    """Rows after the cursor's (value, user_id) in this order: a true keyset condition, so a
    page costs the same however deep and however many rows tie on the value."""
    try:
        value, user_id = json.loads(urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        user_id = int(user_id)
        if not 0 <= user_id < 2**63:  # past bigint: SQLite raises OverflowError
            raise ValueError
        value = _cursor_value(order[0].lstrip("-"), value)
    except (ValueError, TypeError, ArithmeticError, binascii.Error):
        raise InvalidInput(_("That cursor is not one this dashboard gave out.")) from None
    field = order[0].lstrip("-")
    beyond = "lt" if order[0].startswith("-") else "gt"
    try:
        return rows.filter(
            Q(**{f"{field}__{beyond}": value}) | Q(**{field: value, "user_id__gt": user_id})
        )
    except ValidationError:
        raise InvalidInput(_("That cursor is not one this dashboard gave out.")) from None


# The key carries the group's dashboard version, the day and the season, so nothing stale can
# be read however long an entry lives; the lifetime bounds only the memory of entries that a
# write left behind (about 4 KB each for a group of 20). 300 s made most first views cold.
GROUP_PAGE_SECONDS = 3600


def dashboard_page(request, *, viewer: User, filters: Filters, cursor: str | None) -> dict:
    """{"results": [DashboardRow...], "next": url or None, "season": ...}: PAGE_SIZE rows
    after the cursor, by keyset (no OFFSET). The viewer's own group (what members open every
    day) is cached under the group dashboard version, which every write that changes one of
    its rows renews."""
    season = season_current()
    if filters == Filters(scope="group", order=filters.order) and not cursor:
        key = f"dashboard:group:{viewer.group_id}:{filters.order}:{user_today(viewer)}"
        key += f":{group_dashboard_version(viewer.group_id)}:{season.pk if season else 0}"
        compute = lambda: _page(request, viewer=viewer, filters=filters, cursor=None, season=season)  # noqa: E731
        return {**cached("dashboard_group", key, compute, GROUP_PAGE_SECONDS), "season": season}
    page = _page(request, viewer=viewer, filters=filters, cursor=cursor, season=season)
    return {**page, "season": season}


def _page(
    request, *, viewer: User, filters: Filters, cursor: str | None, season: Season | None
) -> dict:
    rows = dashboard_queryset(viewer=viewer, filters=filters, season=season)
    order = _order(filters, path_chain_get())
    rows = rows.order_by(*order)
    if cursor:
        rows = _after(rows, order, cursor)
    page = list(rows[: PAGE_SIZE + 1])
    more, page = len(page) > PAGE_SIZE, page[:PAGE_SIZE]
    next_url = None
    if more:
        query = request.GET.copy()
        query["cursor"] = _cursor_encode(page[-1], order[0].lstrip("-"))
        next_url = f"{request.path}?{query.urlencode()}"
    return {"results": dashboard_rows(enrollments=page, viewer=viewer), "next": next_url}
