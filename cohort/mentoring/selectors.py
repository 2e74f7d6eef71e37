"""Reads for the mentor's page: the groups a reviewer looks after, their review queue (pending
work, oldest first, paged by keyset) and their students' standing with monthly-target flags.
Each read costs the same few queries however many students and submissions there are."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cohort.accounts.models import Group, User
from cohort.accounts.permissions import reviewer_require
from cohort.activity.models import Streak
from cohort.activity.services.streaks import streak_current
from cohort.competition.models import Category, CategoryTotal, Season, SeasonScore
from cohort.competition.selectors.seasons import season_current
from cohort.competition.services.seasons import month_end
from cohort.core.clock import day_start, programme_today, zone_today
from cohort.core.exceptions import NotFound
from cohort.reviews.models import Submission
from cohort.reviews.selectors import submissions_visible_to

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

QUEUE_PAGE_SIZE = 25
# Organisers and coordinators may look after thousands: the board shows this many at most
# (filter by group for the rest).
STUDENTS_LIMIT = 200


def mentor_groups_list(*, viewer: User, with_mentors: bool = True) -> list[Group]:
    """The groups the viewer looks after (mentors theirs, coordinators their division's,
    organisers all), by name, each with its mentors loaded (two queries) unless the page
    shows none (`with_mentors=False`: one)."""
    reviewer_require(viewer)
    groups = Group.objects.for_viewer(viewer).select_related("division").order_by("name", "id")
    if with_mentors:
        mentors = User.objects.only("id", "display_name", "email").order_by("display_name", "id")
        groups = groups.prefetch_related(Prefetch("mentors", queryset=mentors))
    return list(groups)


def mentor_group_get(*, viewer: User, group_id: int | None) -> Group | None:
    """The filtered group if the viewer looks after it (else NotFound); None for no filter."""
    if group_id is None:
        return None
    group = Group.objects.for_viewer(viewer).filter(pk=group_id).first()
    if group is None:
        raise NotFound(_("No such group."))
    return group


def mentors_list() -> list[User]:
    """Active mentors by name, for the assignment form. One query."""
    return list(
        User.objects.filter(role=User.Role.MENTOR, is_active=True)
        .only("id", "display_name", "email")
        .order_by("display_name", "id")
    )


@dataclass
class QueueItem:
    submission: Submission
    waited: dt.timedelta

    @property
    def waited_days(self) -> int:
        return self.waited.days


@dataclass
class QueuePage:
    items: list[QueueItem]
    next_after: int | None  # the id to pass as `after` for the next page, None on the last


def review_queue(
    *, viewer: User, group_id: int | None = None, after_id: int | None = None
) -> QueuePage:
    """Pending submissions the viewer may decide (their groups' members', never their own),
    oldest first, QUEUE_PAGE_SIZE a page after `after_id`, with their files. Two queries
    (three with a group)."""
    reviewer_require(viewer)
    group = mentor_group_get(viewer=viewer, group_id=group_id)
    pending = submissions_visible_to(viewer).filter(status=Submission.Status.PENDING)
    pending = pending.exclude(user=viewer)
    if group is not None:
        pending = pending.filter(user__group=group)
    if after_id is not None:
        pending = pending.filter(pk__gt=after_id)
    rows = list(
        pending.select_related("user__group", "assignment__category", "assignment__episode")
        .prefetch_related("files")
        .order_by("id")[: QUEUE_PAGE_SIZE + 1]
    )
    now = timezone.now()
    items = [QueueItem(s, now - s.created_at) for s in rows[:QUEUE_PAGE_SIZE]]
    has_more = len(rows) > QUEUE_PAGE_SIZE
    return QueuePage(items, items[-1].submission.pk if has_more else None)


@dataclass
class TargetMiss:
    category: Category
    approved: int
    target: int


class _StudentFigures(TypedDict):
    season_score: int
    streak_current: int
    streak_last_day: dt.date | None
    pending_count: int


@dataclass
class StudentRow:
    user: User
    points: list[tuple[Category, int]]  # each category's season points (raw ledger sum)
    season_score: int
    streak: int  # the activity streak, 0 once broken
    pending: int
    missed: list[TargetMiss] = field(default_factory=list)


@dataclass
class StudentsBoard:
    season: Season | None
    categories: list[Category]
    rows: list[StudentRow]
    is_truncated: bool

    @property
    def has_targets(self) -> bool:
        """Whether any category sets a monthly target: without one, nobody is "on target"."""
        return any(c.monthly_target for c in self.categories)


def month_window(first: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the calendar month starting on `first`, in the programme's time zone."""
    following = month_end(first) + dt.timedelta(days=1)
    return day_start(first), day_start(following)


def students_board(*, viewer: User, group_id: int | None = None) -> StudentsBoard:
    """Each student the viewer looks after (at most STUDENTS_LIMIT, by group and name) with
    season points by category, score, activity streak, pending work and the categories whose
    monthly target they miss this month. Four queries (plus the cached current season):
    students with score, streak and pending count; categories; category totals; this
    month's approvals."""
    reviewer_require(viewer)
    group = mentor_group_get(viewer=viewer, group_id=group_id)
    season = season_current()
    students = _students(viewer=viewer, group=group, season=season)
    is_truncated = len(students) > STUDENTS_LIMIT
    students = students[:STUDENTS_LIMIT]
    categories = list(Category.objects.all())
    totals = _category_totals(students, season)
    approved = _approved_this_month(students)
    rows = [_student_row(u, categories, totals, approved) for u in students]
    return StudentsBoard(season, categories, rows, is_truncated)


def _students(
    *, viewer: User, group: Group | None, season: Season | None
) -> "list[WithAnnotations[User, _StudentFigures]]":
    students = User.objects.for_viewer(viewer).filter(role=User.Role.MEMBER, is_active=True)
    if group is not None:
        students = students.filter(group=group)
    score = SeasonScore.objects.filter(user=OuterRef("pk"), season=season).values("score")[:1]
    streak = Streak.objects.filter(user=OuterRef("pk"), kind=Streak.Kind.ACTIVITY)
    pending = (
        Submission.objects.filter(user=OuterRef("pk"), status=Submission.Status.PENDING)
        .order_by()
        .values("user")
        .annotate(n=Count("id"))
        .values("n")
    )
    zero = Value(0, output_field=IntegerField())
    return list(
        students.select_related("group")
        .annotate(
            season_score=Coalesce(Subquery(score), zero) if season else zero,
            streak_current=Coalesce(Subquery(streak.values("current")[:1]), zero),
            streak_last_day=Subquery(streak.values("last_day")[:1]),
            pending_count=Coalesce(Subquery(pending), zero),
        )
        .order_by("group__name", "display_name", "id")[: STUDENTS_LIMIT + 1]
    )


def _category_totals(students: Sequence[User], season: Season | None) -> dict[tuple, int]:
    if season is None or not students:
        return {}
    rows = CategoryTotal.objects.filter(season=season, user__in=students).values_list(
        "user_id", "category_id", "points"
    )
    return {(user_id, category_id): points for user_id, category_id, points in rows}


def _approved_this_month(students: Sequence[User]) -> dict[tuple, int]:
    """{(user id, category id): approvals reviewed this calendar month}."""
    if not students:
        return {}
    start, end = month_window(programme_today().replace(day=1))
    rows = (
        Submission.objects.filter(
            user__in=students,
            status=Submission.Status.APPROVED,
            reviewed_at__gte=start,
            reviewed_at__lt=end,
        )
        .order_by()
        .values_list("user_id", "assignment__category_id")
        .annotate(n=Count("id"))
    )
    return {(user_id, category_id): n for user_id, category_id, n in rows}


def _student_row(
    user: "WithAnnotations[User, _StudentFigures]", categories: list, totals: dict, approved: dict
) -> StudentRow:
    missed = [
        TargetMiss(c, approved.get((user.pk, c.pk), 0), c.monthly_target)
        for c in categories
        if c.monthly_target and approved.get((user.pk, c.pk), 0) < c.monthly_target
    ]
    return StudentRow(
        user=user,
        points=[(c, totals.get((user.pk, c.pk), 0)) for c in categories],
        season_score=user.season_score,
        streak=streak_current(
            trailing=user.streak_current,
            last_day=user.streak_last_day,
            today=zone_today(user.time_zone),
        ),
        pending=user.pending_count,
        missed=missed,
    )
