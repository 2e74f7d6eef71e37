"""The nightly job: rebuild every enrollment on the current chain from DailyActivity with
set-based SQL, a chunk of groups at a time. Idempotent: any number of runs, or a run after
one killed half-way, leaves the same result and never a second milestone notification."""

import datetime as dt
import math

from django.db import transaction
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Least
from django.utils import timezone

from cohort.accounts.models import User
from cohort.activity.models import DailyActivity
from cohort.journeys.models import Enrollment, Milestone
from cohort.journeys.selectors import PathView, path_chain_get
from cohort.journeys.services import enrollment_follow_on, milestone_notification_drafts
from cohort.notifications.services import notifications_create


def _hundredths(expression):
    # A float divisor: SQLite has no exact decimal type and would divide integers. The exact
    # result has two decimals, so rounding into the numeric(9, 2) column restores it.
    return ExpressionWrapper(
        expression / Value(100.0), output_field=DecimalField(max_digits=11, decimal_places=2)
    )


def _counted_days(path: PathView):
    """Days that count towards `path`: not rejected, and not after its end."""
    days = DailyActivity.objects.exclude(review=DailyActivity.Review.REJECTED)
    return days.filter(date__lte=path.end_date) if path.end_date else days


def _recompute_path(path: PathView, enrollments) -> int:
    """Rebuild steps, distance, percent, milestone and completion of `enrollments` on `path`."""
    counted = _counted_days(path).filter(
        user_id=OuterRef("user_id"), date__gte=OuterRef("started_on")
    )
    total_steps = counted.values("user_id").annotate(total=Sum("steps")).values("total")[:1]
    rows = enrollments.update(steps=Coalesce(Subquery(total_steps), Value(0)))

    # Integer arithmetic in hundredths, which rounds down exactly like journeys.progress.
    total = int(path.total_distance * 100)
    distance = Least(F("steps") * 100 / Value(path.steps_per_unit), Value(total))
    enrollments.update(
        distance=_hundredths(distance),
        progress=_hundredths(Cast(distance, IntegerField()) * Value(10000) / Value(total)),
    )
    reached = Milestone.objects.filter(path_id=path.id, distance__lte=OuterRef("distance"))
    enrollments.update(
        current_milestone_id=Subquery(reached.order_by("-distance").values("id")[:1]),
        completed_at=Case(
            When(distance__lt=path.total_distance, then=Value(None)),
            When(completed_at__isnull=True, then=Value(timezone.now())),
            default=F("completed_at"),
        ),
    )
    return rows


def _notify_new_milestones(path: PathView, enrollments) -> None:
    orders = {m.id: m.order for m in path.milestones}
    behind = enrollments.filter(current_milestone__order__gt=F("notified_order")).only(
        "id", "user_id", "notified_order", "current_milestone_id"
    )
    drafts, done = [], []
    for enrollment in behind:
        reached = orders[enrollment.current_milestone_id]
        drafts.extend(milestone_notification_drafts(enrollment, path, reached))
        done.append((enrollment.pk, reached))
    notifications_create(drafts=drafts)
    for order in {o for _, o in done}:
        Enrollment.objects.filter(pk__in=[pk for pk, o in done if o == order]).update(
            notified_order=order
        )


def finishing_day(*, user_id: int, started_on: dt.date, path: PathView) -> dt.date | None:
    """The day the member's running total on `path` reached its end, or None."""
    needed = math.ceil(path.total_distance * path.steps_per_unit)
    days = _counted_days(path).filter(user_id=user_id, date__gte=started_on).order_by("date")
    running = 0
    for day, steps in days.values_list("date", "steps").iterator():
        running += steps
        if running >= needed:
            return day
    return None


def _enroll_finishers_in_next(path: PathView, enrollments) -> None:
    if not path.next_path_id:
        return
    finishers = enrollments.filter(completed_at__isnull=False).exclude(
        user__enrollments__path_id=path.next_path_id
    )
    for enrollment in finishers.only("user_id", "started_on", "completed_at"):
        day = finishing_day(user_id=enrollment.user_id, started_on=enrollment.started_on, path=path)
        if day is not None:
            enrollment_follow_on(user_id=enrollment.user_id, path=path, finished_on=day)


def _recompute_members(members) -> int:
    """Recompute `members` (a User queryset) on the current chain; one transaction."""
    chain = path_chain_get()
    if not chain:
        return 0
    rows = 0
    with transaction.atomic():
        _enroll_missing(chain[0], members)
        for path in chain:
            enrollments = Enrollment.objects.filter(path_id=path.id, user__in=members)
            rows += _recompute_path(path, enrollments)
            _notify_new_milestones(path, enrollments)
            _enroll_finishers_in_next(path, enrollments)
    return rows


def _walkers():
    return User.objects.filter(role=User.Role.MEMBER, is_active=True)


def progress_recompute_groups(*, group_ids: list[int]) -> int:
    """Recompute every member of these groups (a chunk of the nightly job)."""
    return _recompute_members(_walkers().filter(group_id__in=group_ids))


def progress_recompute_users(*, user_ids: list[int]) -> int:
    """Recompute these members, after an import or sync changed many of their days."""
    return _recompute_members(_walkers().filter(pk__in=user_ids))


def _enroll_missing(path: PathView, members) -> None:
    missing = members.exclude(enrollments__path_id=path.id).values_list("id", flat=True)
    Enrollment.objects.bulk_create(
        [Enrollment(user_id=uid, path_id=path.id, started_on=path.start_date) for uid in missing],
        ignore_conflicts=True,
        batch_size=2000,
    )
