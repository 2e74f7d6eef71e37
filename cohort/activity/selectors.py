import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, Max, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from cohort.accounts import permissions
from cohort.accounts.models import User
from cohort.activity.models import DailyActivity
from cohort.core.exceptions import InvalidInput, NotFound

MAX_RANGE_DAYS = 366


def parse_day(value: str) -> dt.date:
    """An ISO date (YYYY-MM-DD) or InvalidInput saying what is wrong."""
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            _("%(repr)s is not a date; use YYYY-MM-DD.") % {"repr": repr(value)}
        ) from exc


def activity_get(*, user: User, day: dt.date) -> DailyActivity:
    row = DailyActivity.objects.filter(user=user, date=day).first()
    if row is None:
        raise NotFound(_("Nothing is logged for %(day)s.") % {"day": day})
    return row


def activity_list(*, user: User, start: dt.date, end: dt.date) -> QuerySet[DailyActivity]:
    """The member's days from `start` to `end`, newest first (a year at most)."""
    if end < start:
        raise InvalidInput(_("'from' must not be after 'to'."))
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInput(
            _("Ask for at most %(max_range_days)s days at a time.")
            % {"max_range_days": MAX_RANGE_DAYS}
        )
    return DailyActivity.objects.filter(user=user, date__range=(start, end)).order_by("-date")


def activity_stats(*, user_id: int, today: dt.date) -> dict:
    """Today's steps, the personal best day (by counted steps) and the last update, in one
    query each."""
    rows = DailyActivity.objects.filter(user_id=user_id).exclude(
        review=DailyActivity.Review.REJECTED
    )
    best_row = (
        rows.filter(counted_steps__gt=0)
        .order_by("-counted_steps", "date")
        .values("date", "counted_steps")
        .first()
    )
    best = best_row and {"date": best_row["date"], "steps": best_row["counted_steps"]}
    last_updated_at = rows.aggregate(last=Max("updated_at"))["last"]
    today_steps = rows.filter(date=today).values_list("steps", flat=True).first()
    return {"today_steps": today_steps or 0, "best_day": best, "last_updated_at": last_updated_at}


FLAG_HISTORY_DAYS = 90  # a member's usual day is read over this many days before it
FLAGS_PAGE_SIZE = 25


def flagged_days_for_viewer(viewer: User) -> QuerySet[DailyActivity]:
    """Flagged days awaiting review that the viewer may decide: the days of members of the
    groups they look after (DailyActivity.for_viewer: a group's mentors, its division's
    coordinator, organisers), never their own; members none. Oldest first, each with the
    member and group loaded and the member's usual day (`usual_steps`, the average counted
    steps of `usual_days` days in the FLAG_HISTORY_DAYS before it), in one query."""
    if not permissions.may_review(viewer):
        return DailyActivity.objects.none()
    history = (
        DailyActivity.objects.filter(
            user_id=OuterRef("user_id"),
            date__lt=OuterRef("date"),
            date__gte=OuterRef("date") - dt.timedelta(days=FLAG_HISTORY_DAYS),
        )
        .exclude(review__in=[DailyActivity.Review.REJECTED, DailyActivity.Review.PENDING])
        .order_by()
        .values("user_id")
    )
    return (
        DailyActivity.objects.for_viewer(viewer)
        .filter(review=DailyActivity.Review.PENDING)
        .exclude(user_id=viewer.pk)
        .select_related("user", "user__group")
        .annotate(
            usual_steps=Subquery(history.annotate(v=Avg("counted_steps")).values("v")),
            usual_days=Subquery(history.annotate(v=Count("id")).values("v")),
        )
        .order_by("id")
    )


def flagged_day_get_for_viewer(viewer: User, activity_id: int) -> DailyActivity:
    """One flagged day the viewer may decide (flagged_days_for_viewer), else NotFound."""
    found = flagged_days_for_viewer(viewer).filter(pk=activity_id).first()
    if found is None:
        raise NotFound(_("No such flagged day."))
    return found


@dataclass
class FlagsPage:
    days: list[DailyActivity]
    next_after: int | None  # the id to pass as `after` for the next page, None on the last


def flagged_days_page(
    *, viewer: User, group_id: int | None = None, after_id: int | None = None
) -> FlagsPage:
    """A keyset page of flagged_days_for_viewer (of one group, when given) after
    `after_id`. One query."""
    rows = flagged_days_for_viewer(viewer)
    if group_id is not None:
        rows = rows.filter(user__group_id=group_id)
    if after_id is not None:
        rows = rows.filter(pk__gt=after_id)
    days = list(rows[: FLAGS_PAGE_SIZE + 1])
    has_more = len(days) > FLAGS_PAGE_SIZE
    days = days[:FLAGS_PAGE_SIZE]
    return FlagsPage(days, days[-1].pk if has_more else None)
