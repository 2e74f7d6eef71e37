"""Monthly reports: for one member (their own, a student of the viewing mentor, anyone for
organisers) or for a mentor over all their students. Days logged and steps, points by
category earned in the month (the ledger by created_at), both as earned and as they count
(capped like the season score: each category at its season cap, then the season's cap),
submissions handed in (drafts are not) and their outcomes, and streaks. Six queries whatever
the number of students."""

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.utils.translation import gettext

from cohort.accounts import permissions
from cohort.accounts.models import User
from cohort.accounts.selectors import user_get_for_viewer
from cohort.activity.models import DailyActivity, Streak
from cohort.competition.models import Category, PointsEntry
from cohort.competition.services.seasons import month_end
from cohort.core.clock import programme_today
from cohort.core.csv_export import csv_writer
from cohort.core.exceptions import InvalidInput, NotFound
from cohort.mentoring.selectors import month_window
from cohort.reviews.models import Submission

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# What a member handed in: everything but drafts, which nobody has seen yet.
OUTCOMES = [s.value for s in Submission.Status if s != Submission.Status.DRAFT]


def report_month_parse(value: str | None) -> dt.date:
    """The first day of `YYYY-MM` (this month when empty); 422 when malformed or future."""
    today = programme_today()
    if not value:
        return today.replace(day=1)
    match = _MONTH.match(value.strip())
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
        raise InvalidInput(gettext("Give the month as YYYY-MM, e.g. 2026-10."))
    first = dt.date(int(match[1]), int(match[2]), 1)
    if first > today:
        raise InvalidInput(gettext("That month has not happened yet."))
    return first


@dataclass
class ReportRow:
    user: User
    days_logged: int = 0
    steps: int = 0
    points: list[tuple[Category, int]] = field(default_factory=list)  # as earned (raw)
    points_counted: list[tuple[Category, int]] = field(default_factory=list)  # each capped
    points_counted_total: int = 0  # the categories' counted points, capped by the season
    submissions: dict[str, int] = field(default_factory=dict)  # status: handed in this month
    streaks: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind: (current, best)

    @property
    def points_total(self) -> int:
        return sum(points for _, points in self.points)

    @property
    def submitted(self) -> int:
        return sum(self.submissions.values())

    @property
    def category_points(self) -> list[tuple[Category, int, int]]:
        """(category, points that count, points earned) for each category."""
        return [
            (category, counted, earned)
            for (category, earned), (_, counted) in zip(
                self.points, self.points_counted, strict=True
            )
        ]

    @property
    def outcomes(self) -> list[tuple[str, str, int]]:
        """(status, its label, how many) of the work handed in."""
        labels = dict(Submission.Status.choices)
        return [(status, labels[status], self.submissions.get(status, 0)) for status in OUTCOMES]


@dataclass
class MonthlyReport:
    title: str
    month: dt.date
    categories: list[Category]
    rows: list[ReportRow]
    subject_id: int
    is_mentor_report: bool

    @property
    def month_end(self) -> dt.date:
        return month_end(self.month)

    @property
    def slug(self) -> str:
        kind = "mentor" if self.is_mentor_report else "member"
        return f"{kind}-{self.subject_id}-{self.month:%Y-%m}"


def member_report(*, viewer: User, user_id: int | None, month: dt.date) -> MonthlyReport:
    """One member's month: the viewer's own, or (mentors, coordinators, organisers) a member
    of a group they look after; NotFound otherwise."""
    if user_id is None or user_id == viewer.pk:
        member = viewer
    elif viewer.is_member:
        raise NotFound(gettext("No such member."))
    else:
        member = user_get_for_viewer(viewer=viewer, user_id=user_id)
    title = f"{member.display_name} · {month:%B %Y}"
    return _report(title=title, users=[member], month=month, subject=member, is_mentor=False)


def mentor_report(*, viewer: User, mentor_id: int | None, month: dt.date) -> MonthlyReport:
    """A mentor's month over every active member of the groups they mentor: the viewer's own,
    or any mentor's for organisers; NotFound otherwise."""
    if mentor_id is None or mentor_id == viewer.pk:
        mentor = viewer
    elif permissions.may_see_all_groups(viewer):
        mentor = User.objects.filter(pk=mentor_id).first()
    else:
        mentor = None
    if mentor is None or not permissions.is_mentor(mentor):
        raise NotFound(gettext("No such mentor."))
    students = list(
        User.objects.filter(group__mentors=mentor, role=User.Role.MEMBER, is_active=True)
        .select_related("group")
        .order_by("group__name", "display_name", "id")
    )
    title = f"{mentor.display_name}'s students · {month:%B %Y}"
    return _report(title=title, users=students, month=month, subject=mentor, is_mentor=True)


def _report(*, title: str, users: list[User], month: dt.date, subject, is_mentor) -> MonthlyReport:
    categories = list(Category.objects.all())
    activity, points, submissions, streaks = _month_facts(users, month)
    rows = []
    for user in users:
        days, steps = activity.get(user.pk, (0, 0))
        seasons = points.get(user.pk, {})
        raw = _raw(seasons)
        counted, counted_total = _counted(seasons, categories)
        rows.append(
            ReportRow(
                user=user,
                days_logged=days,
                steps=steps,
                points=[(c, raw.get(c.pk, 0)) for c in categories],
                points_counted=[(c, counted.get(c.pk, 0)) for c in categories],
                points_counted_total=counted_total,
                submissions={s: submissions.get((user.pk, s), 0) for s in OUTCOMES},
                streaks={k: streaks.get((user.pk, k), (0, 0)) for k in Streak.Kind.values},
            )
        )
    return MonthlyReport(title, month, categories, rows, subject.pk, is_mentor)


def _raw(seasons: dict) -> dict[int, int]:
    """{category id: points as earned} over the seasons of one member's month."""
    raw: dict[int, int] = {}
    for _, by_category in seasons.values():
        for pk, n in by_category.items():
            raw[pk] = raw.get(pk, 0) + n
    return raw


def _counted(seasons: dict, categories: list[Category]) -> tuple[dict[int, int], int]:
    """Points that count, as the season score counts them: within each season, each
    category's points capped at its season cap (never below zero), their sum capped at the
    season's cap. ({category id: counted}, total)."""
    caps = {c.pk: c.season_cap for c in categories}
    by_category: dict[int, int] = {}
    total = 0
    for point_cap, raw in seasons.values():
        capped = {pk: min(max(n, 0), caps.get(pk, 0)) for pk, n in raw.items()}
        for pk, n in capped.items():
            by_category[pk] = by_category.get(pk, 0) + n
        total += min(sum(capped.values()), point_cap)
    return by_category, total


def _month_facts(users: list[User], month: dt.date) -> tuple[dict, dict, dict, dict]:
    """Four queries: activity days and steps (rejected days count for nothing), points by
    category from the ledger, submissions handed in by status, and streaks."""
    start, end = month_window(month)
    activity = (
        DailyActivity.objects.filter(user__in=users, date__gte=month, date__lte=month_end(month))
        .exclude(review=DailyActivity.Review.REJECTED)
        .order_by()
        .values_list("user_id")
        .annotate(days=Count("id"), steps=Sum("counted_steps"))
    )
    points = (
        PointsEntry.objects.filter(user__in=users, created_at__gte=start, created_at__lt=end)
        .order_by()
        .values_list("user_id", "season_id", "season__point_cap", "category_id")
        .annotate(total=Sum("points"))
    )
    submissions = (
        Submission.objects.filter(user__in=users, created_at__gte=start, created_at__lt=end)
        .exclude(status=Submission.Status.DRAFT)
        .order_by()
        .values_list("user_id", "status")
        .annotate(n=Count("id"))
    )
    streaks = Streak.objects.filter(user__in=users).values_list(
        "user_id", "kind", "current", "longest"
    )
    return (
        {user_id: (days, steps) for user_id, days, steps in activity},
        _points_by_season(points),
        {(user_id, status): n for user_id, status, n in submissions},
        {(user_id, kind): (current, longest) for user_id, kind, current, longest in streaks},
    )


def _points_by_season(rows) -> dict[int, dict[int, tuple[int, dict[int, int]]]]:
    """{user id: {season id: (season cap, {category id: raw points})}}."""
    found: dict = {}
    for user_id, season_id, point_cap, category_id, total in rows:
        _, by_category = found.setdefault(user_id, {}).setdefault(season_id, (point_cap, {}))
        by_category[category_id] = total
    return found


def report_csv(report: MonthlyReport) -> str:
    """The report as CSV text: one row per member, a column per category and outcome."""
    out = io.StringIO()
    writer = csv_writer(out)  # text cells escaped against formula injection
    writer.writerow(
        ["member", "email", "group", "month", "days_logged", "steps"]
        + [f"points_{c.slug}" for c in report.categories]
        + ["points_total", "points_counted", "submitted"]
        + [f"submissions_{s}" for s in OUTCOMES]
        + [f"{kind}_streak_{part}" for kind in Streak.Kind.values for part in ("current", "best")]
    )
    for row in report.rows:
        writer.writerow(
            [
                row.user.display_name,
                row.user.email,
                row.user.group.name if row.user.group_id else "",
                f"{report.month:%Y-%m}",
                row.days_logged,
                row.steps,
            ]
            + [points for _, points in row.points]
            + [row.points_total, row.points_counted_total, row.submitted]
            + [row.submissions[s] for s in OUTCOMES]
            + [n for kind in Streak.Kind.values for n in row.streaks[kind]]
        )
    return out.getvalue()
