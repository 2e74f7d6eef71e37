import datetime as dt

from django.db.models import Max, QuerySet

from cohort.accounts.models import User
from cohort.activity.models import DailyActivity
from cohort.core.exceptions import InvalidInput, NotFound

MAX_RANGE_DAYS = 366


def parse_day(value: str) -> dt.date:
    """An ISO date (YYYY-MM-DD) or InvalidInput saying what is wrong."""
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{value!r} is not a date; use YYYY-MM-DD.") from exc


def activity_get(*, user: User, day: dt.date) -> DailyActivity:
    row = DailyActivity.objects.filter(user=user, date=day).first()
    if row is None:
        raise NotFound(f"Nothing is logged for {day}.")
    return row


def activity_list(*, user: User, start: dt.date, end: dt.date) -> QuerySet[DailyActivity]:
    """The member's days from `start` to `end`, newest first (a year at most)."""
    if end < start:
        raise InvalidInput("'from' must not be after 'to'.")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInput(f"Ask for at most {MAX_RANGE_DAYS} days at a time.")
    return DailyActivity.objects.filter(user=user, date__range=(start, end)).order_by("-date")


def activity_stats(*, user_id: int, today: dt.date) -> dict:
    """Today's steps, the personal best day (by counted steps) and the last update, in one
    query each."""
    rows = DailyActivity.objects.filter(user_id=user_id).exclude(
        review=DailyActivity.Review.REJECTED
    )
    best = (
        rows.filter(counted_steps__gt=0)
        .order_by("-counted_steps", "date")
        .values("date", "counted_steps")
        .first()
    )
    best = best and {"date": best["date"], "steps": best["counted_steps"]}
    last_updated_at = rows.aggregate(last=Max("updated_at"))["last"]
    today_steps = rows.filter(date=today).values_list("steps", flat=True).first()
    return {"today_steps": today_steps or 0, "best_day": best, "last_updated_at": last_updated_at}


def flagged_activity_for_reviewer(*, viewer: User) -> QuerySet[DailyActivity]:
    """Flagged days the viewer may review: a mentor's groups, or everyone for organisers."""
    pending = DailyActivity.objects.filter(review=DailyActivity.Review.PENDING).select_related(
        "user", "user__group"
    )
    if viewer.role == User.Role.ORGANISER:
        return pending
    if viewer.role == User.Role.MENTOR:
        return pending.filter(user__group__mentors=viewer)
    return pending.none()
