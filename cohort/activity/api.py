import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from cohort.accounts import permissions
from cohort.accounts.auth import activity_write, token_or_session
from cohort.accounts.models import User
from cohort.activity.models import DailyActivity
from cohort.activity.schemas import (
    ActivityIn,
    ActivityOut,
    ActivitySavedOut,
    FlaggedDayOut,
    FlagReviewIn,
)
from cohort.activity.selectors import (
    activity_get,
    activity_list,
    flagged_day_get_for_viewer,
    flagged_days_for_viewer,
    parse_day,
)
from cohort.activity.services.daily import activity_log, activity_review
from cohort.core.clock import user_today
from cohort.core.exceptions import NotFound, RateLimited
from cohort.core.http import client_ip
from cohort.core.idempotency import (
    idempotency_key,
    idempotent_answer_get,
    idempotent_answer_keep,
)
from cohort.core.pagination import CursorPagination

router = Router(tags=["activity"], auth=token_or_session)


class DayRange(Schema):
    start: str | None = Field(None, alias="from", description="YYYY-MM-DD")
    end: str | None = Field(None, alias="to", description="YYYY-MM-DD")


def _rate_limit(request: HttpRequest) -> None:
    """Activity writes per member are limited (ACTIVITY_UPDATES_PER_MEMBER)."""
    try:
        usage = get_usage(
            request,
            group="activity-write",
            key=lambda _g, r: str(r.user.pk),
            rate=settings.ACTIVITY_UPDATES_PER_MEMBER,
            increment=True,
        )
    except Exception:
        return  # degraded mode: cache down, no limit
    if usage and usage["should_limit"]:
        raise RateLimited(_("Too many updates; wait a minute."), retry_after=usage["time_left"])


@router.get("/activity", response=list[ActivityOut], summary="The viewer's days")
def list_days(request: HttpRequest, days: Query[DayRange]):
    """`from` and `to` (YYYY-MM-DD; default: the last 30 days; a year at most)."""
    last = parse_day(days.end) if days.end else user_today(request.user)
    # min(): 30 days back from `to`, or from the first day there is (never an OverflowError).
    first = (
        parse_day(days.start) if days.start else last - min(dt.timedelta(29), last - dt.date.min)
    )
    return list(activity_list(user=request.user, start=first, end=last))


# Before /activity/{day}, which would otherwise take "flags" for a date.
@router.get(
    "/activity/flags",
    response=list[FlaggedDayOut],
    summary="Flagged days awaiting review (the group's mentors, coordinators, organisers)",
)
@paginate(CursorPagination, ordering=("id",), page_size=25, max_page_size=100)
def list_flags(request: HttpRequest):
    """Oldest first, each with the member, their group, the steps, the member's usual day
    and the threshold it went over; `id` is what the review endpoint takes. Follow `next`.
    Members 403."""
    permissions.reviewer_require(
        request.user, gettext("Only mentors, coordinators and organisers review flagged days.")
    )
    return flagged_days_for_viewer(request.user)


@router.get("/activity/{day}", response=ActivityOut, summary="One day of the viewer's activity")
def get_day(request: HttpRequest, day: str):
    return activity_get(user=request.user, day=parse_day(day))


@router.put(
    "/activity/{day}",
    response=ActivitySavedOut,
    auth=activity_write,  # a token with the activity:write scope may log steps
    summary="Log or change a day's steps",
)
def put_day(request: HttpRequest, day: str, payload: ActivityIn, user_id: int | None = None):
    """Members log their own days inside the edit window; organisers may pass `user_id`
    to correct anyone's day (audited). 422 with a reason for bad input, 429 when too fast.
    With an `Idempotency-Key` header (the app's offline log sends one), a key already
    answered in the last day gets the same answer again and writes nothing."""
    key = idempotency_key(request)
    scope = f"activity-put:{request.user.pk}:{day}:{user_id or ''}"
    if key is not None and (answer := idempotent_answer_get(scope=scope, key=key)) is not None:
        return answer
    _rate_limit(request)
    target = request.user
    if user_id is not None and user_id != request.user.pk:
        target = User.objects.for_viewer(request.user).filter(pk=user_id).first()
        if target is None:
            raise NotFound(_("No such member."))
    row = activity_log(
        user=target,
        day=parse_day(day),
        steps=payload.steps,
        source=DailyActivity.Source.API,
        actor=request.user,
        ip=client_ip(request),
    )
    answer = _saved(row)
    if key is not None:
        idempotent_answer_keep(scope=scope, key=key, answer=answer)
    return answer


def _saved(row: DailyActivity) -> dict:
    after = getattr(row, "progress_after", None)  # activity_log's, when it had them
    if after is None:
        enrollments = row.user.enrollments.select_related("current_milestone")
        after = [
            (e, e.current_milestone.name if e.current_milestone else None)
            for e in enrollments.order_by("started_on")
        ]
    return {
        "date": row.date,
        "steps": row.steps,
        "source": row.source,
        "review": row.review,
        "updated_at": row.updated_at,
        "progress": [
            {
                "path_id": e.path_id,
                "steps": e.steps,
                "distance": float(e.distance),
                "progress": float(e.progress),
                "current_milestone": milestone,
            }
            for e, milestone in after
        ],
    }


@router.post(
    "/activity/flags/{activity_id}/review",
    response=ActivityOut,
    summary="Confirm or reject a flagged day (the group's mentors, organisers)",
)
def review_flag(request: HttpRequest, activity_id: int, payload: FlagReviewIn):
    row = flagged_day_get_for_viewer(request.user, activity_id)
    return activity_review(activity=row, decision=payload.decision, actor=request.user)
