"""Reads for /analytics/: the figures an organiser (everything) or a coordinator (their
division) sees. With USE_ANALYTICS_SUMMARY they come from the summaries, otherwise from the
raw tables; both give the same answers, in the same fixed number of queries."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from cohort.accounts import permissions
from cohort.accounts.models import Group, User
from cohort.analytics import summaries
from cohort.analytics.models import (
    DailyGroupSummary,
    MentorWorkload,
    PathProgressSummary,
    SeasonCategorySummary,
    SubmissionStatusSummary,
)
from cohort.competition.models import CategoryTotal, Season
from cohort.core.clock import programme_today
from cohort.journeys.models import Enrollment, Path
from cohort.reviews.models import Submission

DAYS_SHOWN = 30
TOP_GROUPS = 10
BUCKET_LABELS = [f"{b * 10}–{b * 10 + 10}%" for b in range(10)] + ["Finished"]


@dataclass(frozen=True)
class Day:
    date: dt.date
    active_members: int
    total_steps: int
    average_steps: int


@dataclass(frozen=True)
class Workload:
    name: str
    students: int
    pending_reviews: int
    median_review_seconds: int | None
    band: str


@dataclass(frozen=True)
class AnalyticsPage:
    days: list[Day]
    top_groups: list[tuple[str, int]]  # (group name, average steps per active member-day)
    path: Path | None
    progress: list[tuple[str, int]]  # (bucket label, members)
    season: Season | None
    categories: list[tuple[str, int, int]]  # (name, points total, members with points)
    submissions: list[tuple[str, int]]  # (status label, submissions)
    workloads: list[Workload]


def visible_groups(viewer: User) -> QuerySet | None:
    """None for every group (organisers), else the coordinator's division's groups."""
    return None if permissions.may_see_all_groups(viewer) else Group.objects.for_viewer(viewer)


def _in_scope(rows: QuerySet, groups: QuerySet | None, field: str) -> QuerySet:
    return rows if groups is None else rows.filter(**{f"{field}__in": groups})


def analytics_page_get(*, viewer: User) -> AnalyticsPage:
    """Everything /analytics/ shows for the viewer (organiser or coordinator)."""
    permissions.analytics_viewer_require(viewer)
    groups = visible_groups(viewer)
    raw = not settings.USE_ANALYTICS_SUMMARY
    end = programme_today()
    start = end - dt.timedelta(days=DAYS_SHOWN - 1)
    path = Path.objects.filter(is_current=True).first()
    season = Season.objects.exclude(status=Season.Status.UPCOMING).order_by("-starts_on").first()
    return AnalyticsPage(
        days=(_days_raw if raw else _days)(groups, start, end),
        top_groups=(_top_groups_raw if raw else _top_groups)(groups, start, end),
        path=path,
        progress=(_progress_raw if raw else _progress)(groups, path),
        season=season,
        categories=(_categories_raw if raw else _categories)(groups, season),
        submissions=(_submissions_raw if raw else _submissions)(groups, season),
        workloads=(_workloads_raw if raw else _workloads)(groups),
    )


def _day_list(rows, start: dt.date, end: dt.date) -> list[Day]:
    """Every day start..end (zeros where nobody logged) from (date, active, total) rows."""
    found = {day: (active, total) for day, active, total in rows}
    days = []
    for offset in range((end - start).days + 1):
        day = start + dt.timedelta(days=offset)
        active, total = found.get(day, (0, 0))
        days.append(Day(day, active, total, summaries.average(total, active)))
    return days


def _days(groups, start, end) -> list[Day]:
    rows = _in_scope(DailyGroupSummary.objects.filter(date__range=(start, end)), groups, "group")
    rows = rows.values_list("date").annotate(a=Sum("active_members"), t=Sum("total_steps"))
    return _day_list(rows.order_by(), start, end)


def _days_raw(groups, start, end) -> list[Day]:
    rows = _in_scope(
        summaries.counted_activity().filter(date__range=(start, end)), groups, "user__group"
    )
    rows = rows.values_list("date").annotate(
        a=Count("pk", filter=Q(counted_steps__gt=0)), t=Sum("counted_steps")
    )
    return _day_list(rows.order_by(), start, end)


def _top_list(rows) -> list[tuple[str, int]]:
    """The TOP_GROUPS best (name, average) from (name, active, total) rows."""
    ranked = sorted(
        ((name, summaries.average(total, active)) for name, active, total in rows),
        key=lambda row: (-row[1], row[0]),
    )
    return ranked[:TOP_GROUPS]


def _top_groups(groups, start, end) -> list[tuple[str, int]]:
    rows = _in_scope(DailyGroupSummary.objects.filter(date__range=(start, end)), groups, "group")
    rows = rows.values_list("group_id", "group__name").annotate(
        a=Sum("active_members"), t=Sum("total_steps")
    )
    return _top_list((name, active, total) for _, name, active, total in rows.order_by())


def _top_groups_raw(groups, start, end) -> list[tuple[str, int]]:
    rows = _in_scope(
        summaries.counted_activity().filter(date__range=(start, end)), groups, "user__group"
    )
    rows = rows.values_list("user__group_id", "user__group__name").annotate(
        a=Count("pk", filter=Q(counted_steps__gt=0)), t=Sum("counted_steps")
    )
    return _top_list((name, active, total) for _, name, active, total in rows.order_by())


def _progress(groups, path) -> list[tuple[str, int]]:
    if path is None:
        return []
    rows = _in_scope(PathProgressSummary.objects.filter(path=path), groups, "group")
    found = dict(rows.values_list("bucket").annotate(n=Sum("members")).order_by())
    return [(label, found.get(b, 0)) for b, label in enumerate(BUCKET_LABELS)]


def _progress_raw(groups, path) -> list[tuple[str, int]]:
    if path is None:
        return []
    rows = Enrollment.objects.filter(path=path, user__group__isnull=False)
    found = _in_scope(rows, groups, "user__group").aggregate(**summaries.bucket_counts())
    return [(label, found[f"b{b}"]) for b, label in enumerate(BUCKET_LABELS)]


def _categories(groups, season) -> list[tuple[str, int, int]]:
    if season is None:
        return []
    rows = _in_scope(SeasonCategorySummary.objects.filter(season=season), groups, "group")
    rows = rows.values_list("category__order", "category__name").annotate(
        t=Sum("points_total"), m=Sum("members_with_points")
    )
    return [(name, total, members) for _, name, total, members in sorted(rows.order_by())]


def _categories_raw(groups, season) -> list[tuple[str, int, int]]:
    if season is None:
        return []
    totals = CategoryTotal.objects.filter(season=season, user__group__isnull=False)
    rows = _in_scope(totals, groups, "user__group")
    rows = rows.values_list("category__order", "category__name").annotate(
        t=Sum("points"), m=Count("pk", filter=Q(points__gt=0))
    )
    return [(name, total, members) for _, name, total, members in sorted(rows.order_by())]


def _status_list(rows) -> list[tuple[str, int]]:
    found = dict(rows)
    return [(str(label), found.get(value, 0)) for value, label in Submission.Status.choices]


def _submissions(groups, season) -> list[tuple[str, int]]:
    if season is None:
        return []
    rows = _in_scope(SubmissionStatusSummary.objects.filter(season=season), groups, "group")
    return _status_list(rows.values_list("status").annotate(n=Sum("submissions")).order_by())


def _submissions_raw(groups, season) -> list[tuple[str, int]]:
    if season is None:
        return []
    rows = Submission.objects.filter(assignment__episode__season=season, user__group__isnull=False)
    rows = _in_scope(rows, groups, "user__group")
    return _status_list(rows.values_list("status").annotate(n=Count("pk")).order_by())


def _mentors(groups) -> QuerySet:
    mentors = User.objects.filter(role=User.Role.MENTOR)
    if groups is not None:
        mentors = mentors.filter(
            pk__in=Group.mentors.through.objects.filter(group__in=groups).values("user_id")
        )
    return mentors


def _workload_order(row: Workload) -> tuple:
    return (row.name, row.students, row.pending_reviews)


def _workloads(groups) -> list[Workload]:
    rows = MentorWorkload.objects.filter(mentor__in=_mentors(groups)).values_list(
        "mentor__display_name", "students", "pending_reviews", "median_review_seconds", "band"
    )
    return sorted((Workload(*row) for row in rows), key=_workload_order)


def _workloads_raw(groups) -> list[Workload]:
    names = dict(_mentors(groups).values_list("pk", "display_name"))
    figures = summaries.mentor_workload_figures(mentor_ids=list(names))
    rows = [Workload(names[key[0]], **values) for key, values in figures.items()]
    return sorted(rows, key=_workload_order)
