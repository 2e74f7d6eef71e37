"""The figures each summary holds, computed from the raw tables with one GROUP BY query per
summary (two or three for mentor workload). Each returns {natural key: {field: value}}, what
`services.analytics_recompute` writes and what the raw page path reads."""

import datetime as dt
import statistics
from collections import defaultdict

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from cohort.accounts.models import MAX_GROUP_MEMBERS, User
from cohort.activity.models import DailyActivity
from cohort.analytics.models import MentorWorkload, PathProgressSummary
from cohort.competition.models import CategoryTotal
from cohort.journeys.models import Enrollment
from cohort.reviews.models import Submission

REVIEW_WINDOW_DAYS = 30
LIGHT_MAX_STUDENTS = 8
# One full group is a normal load: a mentor of a single group of the largest size is
# balanced, not overloaded.
BALANCED_MAX_STUDENTS = MAX_GROUP_MEMBERS
BALANCED_MAX_PENDING = 15


def average(total: int, active: int) -> int:
    """Steps per active member, rounded down (0 when nobody was active)."""
    return total // active if active else 0


def counted_activity() -> QuerySet:
    """Members' days that count (their `counted_steps`: rejected days count for nothing,
    flagged ones at most the member's plausible maximum); staff have no group."""
    return DailyActivity.objects.filter(counted_steps__gt=0, user__group__isnull=False)


def daily_group_figures(
    *, start: dt.date, end: dt.date, group_id: int | None = None
) -> dict[tuple, dict]:
    """(date, group id) -> active members, total and average steps, for days start..end."""
    days = counted_activity().filter(date__range=(start, end))
    if group_id is not None:
        days = days.filter(user__group_id=group_id)
    rows = days.values_list("date", "user__group_id").annotate(
        active=Count("pk", filter=Q(counted_steps__gt=0)), total=Sum("counted_steps")
    )
    return {
        (day, group): {
            "active_members": active,
            "total_steps": total,
            "average_steps": average(total, active),
        }
        for day, group, active, total in rows.order_by()
    }


def progress_buckets() -> dict[int, Q]:
    """Bucket number -> the enrollments in it (see PathProgressSummary)."""
    finished = Q(completed_at__isnull=False) | Q(progress__gte=100)
    buckets = {}
    for bucket in range(PathProgressSummary.FINISHED):
        upper = Q(progress__lt=(bucket + 1) * 10) if bucket < 9 else Q(progress__lte=100)
        buckets[bucket] = ~finished & Q(progress__gte=bucket * 10) & upper
    buckets[PathProgressSummary.FINISHED] = finished
    return buckets


def bucket_counts() -> dict[str, Count]:
    return {f"b{bucket}": Count("pk", filter=q) for bucket, q in progress_buckets().items()}


def path_progress_figures() -> dict[tuple, dict]:
    """(path id, group id, bucket) -> members, for every non-empty bucket."""
    rows = (
        Enrollment.objects.filter(user__group__isnull=False)
        .values("path_id", "user__group_id")
        .annotate(**bucket_counts())
        .order_by()
    )
    figures = {}
    for row in rows:
        for bucket in range(PathProgressSummary.FINISHED + 1):
            if row[f"b{bucket}"]:
                key = (row["path_id"], row["user__group_id"], bucket)
                figures[key] = {"members": row[f"b{bucket}"]}
    return figures


def season_category_figures() -> dict[tuple, dict]:
    """(season id, category id, group id) -> raw points total and members with points."""
    rows = (
        CategoryTotal.objects.filter(user__group__isnull=False)
        .values_list("season_id", "category_id", "user__group_id")
        .annotate(total=Sum("points"), members=Count("pk", filter=Q(points__gt=0)))
        .order_by()
    )
    return {
        (season, category, group): {"points_total": total, "members_with_points": members}
        for season, category, group, total, members in rows
    }


def submission_status_figures() -> dict[tuple, dict]:
    """(season id, group id, status) -> submissions of the season's episodes' assignments."""
    rows = (
        Submission.objects.filter(assignment__episode__isnull=False, user__group__isnull=False)
        .values_list("assignment__episode__season_id", "user__group_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {(season, group, status): {"submissions": n} for season, group, status, n in rows}


def workload_band(*, students: int, pending: int) -> str:
    """Light up to LIGHT_MAX_STUDENTS; balanced up to BALANCED_MAX_STUDENTS (one full group)
    and BALANCED_MAX_PENDING pending; else overloaded."""
    if students <= LIGHT_MAX_STUDENTS:
        return MentorWorkload.Band.LIGHT
    if students <= BALANCED_MAX_STUDENTS and pending <= BALANCED_MAX_PENDING:
        return MentorWorkload.Band.BALANCED
    return MentorWorkload.Band.OVERLOADED


def workload_bands() -> dict[str, int]:
    """The band limits, for the page that explains them."""
    return {
        "light_students": LIGHT_MAX_STUDENTS,
        "balanced_students": BALANCED_MAX_STUDENTS,
        "balanced_pending": BALANCED_MAX_PENDING,
    }


def mentor_workload_figures(*, mentor_ids: list[int] | None = None) -> dict[tuple, dict]:
    """(mentor id,) -> students, pending reviews, median review seconds and band."""
    mentors = User.objects.filter(role=User.Role.MENTOR)
    if mentor_ids is not None:
        mentors = mentors.filter(pk__in=mentor_ids)
    is_student = Q(
        mentored_groups__members__role=User.Role.MEMBER,
        mentored_groups__members__is_active=True,
    )
    students = dict(
        mentors.annotate(
            n=Count("mentored_groups__members", filter=is_student, distinct=True)
        ).values_list("pk", "n")
    )
    pending = dict(
        Submission.objects.filter(
            status=Submission.Status.PENDING, user__group__mentors__in=list(students)
        )
        .values_list(F("user__group__mentors"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    medians = _median_review_seconds(list(students))
    figures = {}
    for mentor_id, n_students in students.items():
        n_pending = pending.get(mentor_id, 0)
        figures[(mentor_id,)] = {
            "students": n_students,
            "pending_reviews": n_pending,
            "median_review_seconds": medians.get(mentor_id),
            "band": workload_band(students=n_students, pending=n_pending),
        }
    return figures


def _median_review_seconds(mentor_ids: list[int]) -> dict[int, int]:
    """Mentor id -> median seconds from hand-in to review, over reviews in the last 30 days.
    A median has no portable SQL, so the window's (reviewer, times) pairs are read here."""
    since = timezone.now() - dt.timedelta(days=REVIEW_WINDOW_DAYS)
    reviews = Submission.objects.filter(
        reviewer_id__in=mentor_ids, reviewed_at__gte=since
    ).values_list("reviewer_id", "created_at", "reviewed_at")
    waits: dict[int, list[float]] = defaultdict(list)
    for reviewer_id, created_at, reviewed_at in reviews.order_by().iterator(chunk_size=5000):
        waits[reviewer_id].append(max(0.0, (reviewed_at - created_at).total_seconds()))
    return {mentor: round(statistics.median(times)) for mentor, times in waits.items()}
