"""The console's reads: the morning overview, the seasons, the mentors' load, the audit log.
Organisers see everything; a coordinator their division (`_members_in_reach`)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from cohort.accounts import permissions
from cohort.accounts.models import Group, User
from cohort.activity.models import DailyActivity
from cohort.competition.models import Season
from cohort.core.caching import cached
from cohort.core.clock import programme_today
from cohort.ops.models import AuditEvent
from cohort.ops.selectors import AuditFilter, JobState, audit_event_list, scheduled_job_states
from cohort.reviews.models import Submission

OVERVIEW_SECONDS = 60  # the figures a morning glance needs; a minute old is fine
SILENT_DAYS = 3  # "has not logged for 3 days"
SILENT_GROUPS_SHOWN = 10


def _division_of(viewer: User) -> int | None:
    """None for organisers (everything); a coordinator's division id (0: none, so nothing)."""
    if permissions.may_see_all_groups(viewer):
        return None
    return viewer.division_id or 0


def _members_in_reach(division_id: int | None) -> QuerySet[User]:
    members = User.objects.filter(role=User.Role.MEMBER, is_active=True, group__isnull=False)
    if division_id is not None:
        members = members.filter(group__division_id=division_id)
    return members


@dataclass(frozen=True)
class SilentGroup:
    group_id: int
    name: str
    silent: int  # members who have not logged for SILENT_DAYS days


@dataclass(frozen=True)
class Waiting:
    count: int
    oldest_at: dt.datetime | None

    @property
    def oldest_days(self) -> int | None:
        if self.oldest_at is None:
            return None
        return (timezone.now() - self.oldest_at).days


@dataclass(frozen=True)
class OverviewFigures:
    """What the overview shows; cached for OVERVIEW_SECONDS per scope."""

    today: dt.date
    members: int
    signed_in_today: int
    signed_in_week: int
    logged_today: int
    logged_week: int
    silent: int
    silent_groups: list[SilentGroup] = field(default_factory=list)
    flags: Waiting = Waiting(0, None)
    submissions: Waiting = Waiting(0, None)


def _overview_compute(division_id: int | None) -> OverviewFigures:
    """Four aggregate queries whatever the number of members: the members' counts in one
    pass (last_login, last_logged_on: indexed), the silent members by group (top ten), the
    flagged days and the waiting submissions (each a partial index of pending rows)."""
    today = programme_today()
    zone = timezone.get_current_timezone()
    midnight = dt.datetime.combine(today, dt.time(), zone)
    week_start = today - dt.timedelta(days=6)
    silent_since = today - dt.timedelta(days=SILENT_DAYS - 1)
    silent = Q(last_logged_on__isnull=True) | Q(last_logged_on__lt=silent_since)
    members = _members_in_reach(division_id)
    counts = members.aggregate(
        members=Count("pk"),
        signed_in_today=Count("pk", filter=Q(last_login__gte=midnight)),
        signed_in_week=Count("pk", filter=Q(last_login__gte=midnight - dt.timedelta(days=6))),
        logged_today=Count("pk", filter=Q(last_logged_on__gte=today)),
        logged_week=Count("pk", filter=Q(last_logged_on__gte=week_start)),
        silent=Count("pk", filter=silent),
    )
    by_group = (
        members.filter(silent)
        .values("group_id", "group__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "group__name")[:SILENT_GROUPS_SHOWN]
    )
    flags = DailyActivity.objects.filter(review=DailyActivity.Review.PENDING)
    pending = Submission.objects.filter(status=Submission.Status.PENDING)
    if division_id is not None:
        flags = flags.filter(user__group__division_id=division_id)
        pending = pending.filter(user__group__division_id=division_id)
    flag_row = flags.aggregate(n=Count("pk"), oldest=Min("created_at"))
    submission_row = pending.aggregate(n=Count("pk"), oldest=Min("created_at"))
    return OverviewFigures(
        today=today,
        **counts,
        silent_groups=[SilentGroup(r["group_id"], r["group__name"], r["n"]) for r in by_group],
        flags=Waiting(flag_row["n"], flag_row["oldest"]),
        submissions=Waiting(submission_row["n"], submission_row["oldest"]),
    )


def overview_figures(*, viewer: User) -> OverviewFigures:
    """The overview's figures for the viewer's reach, cached for a minute per reach (and
    programme day, so a new day never shows yesterday's)."""
    division_id = _division_of(viewer)
    key = f"organise:overview:v1:{division_id}:{programme_today().isoformat()}"
    return cached(
        "organise_overview", key, lambda: _overview_compute(division_id), OVERVIEW_SECONDS
    )


@dataclass(frozen=True)
class SeasonState:
    current: Season | None
    upcoming: Season | None

    @property
    def days_left(self) -> int | None:
        if self.current is None:
            return None
        return (self.current.ends_on - programme_today()).days


def season_state() -> SeasonState:
    """The active season and the next upcoming one. One query (a handful of rows)."""
    seasons = list(
        Season.objects.filter(status__in=[Season.Status.ACTIVE, Season.Status.UPCOMING])
        .order_by("starts_on")
        .only("id", "name", "starts_on", "ends_on", "status")
    )
    active = next((s for s in seasons if s.status == Season.Status.ACTIVE), None)
    upcoming = next((s for s in seasons if s.status == Season.Status.UPCOMING), None)
    return SeasonState(current=active, upcoming=upcoming)


def job_states() -> list[JobState]:
    return scheduled_job_states()


# --- Seasons ---------------------------------------------------------------------------------


def season_list() -> list[Season]:
    """Every season, newest first, with its episode and assignment counts. One query."""
    episodes = Count("episodes", distinct=True)
    assignments = Count("episodes__assignments", distinct=True)
    return list(
        Season.objects.annotate(episode_total=episodes, assignment_total=assignments).order_by(
            "-starts_on"
        )
    )


def season_latest() -> Season | None:
    """The season that ends last: the one the next season is copied from."""
    return Season.objects.order_by("-ends_on").first()


# --- Mentors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentorLoad:
    mentor: User
    groups: list[Group]
    members: int
    waiting_submissions: int
    waiting_flags: int

    @property
    def waiting(self) -> int:
        return self.waiting_submissions + self.waiting_flags


def _count_in_mentored_groups(queryset, user_path: str):
    """A subquery: how many of `queryset`'s rows belong to members of the outer mentor's
    groups."""
    rows = (
        queryset.filter(**{f"{user_path}__group__mentors": OuterRef("pk")})
        .order_by()
        .values(f"{user_path}__group__mentors")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def mentor_load_list(*, viewer: User) -> list[MentorLoad]:
    """Each active mentor with the groups they mentor in the viewer's reach, those groups'
    members and the work waiting for them (pending submissions and flagged days). Two
    queries: the mentors with their counts, their groups."""
    division_id = _division_of(viewer)
    groups = Group.objects.for_viewer(viewer)
    pending = Submission.objects.filter(status=Submission.Status.PENDING)
    flags = DailyActivity.objects.filter(review=DailyActivity.Review.PENDING)
    if division_id is not None:
        pending = pending.filter(user__group__division_id=division_id)
        flags = flags.filter(user__group__division_id=division_id)
    in_reach = Q(mentored_groups__in=groups) if division_id is not None else Q()
    mentors = (
        User.objects.filter(role=User.Role.MENTOR, is_active=True)
        .annotate(
            member_total=Coalesce(Sum("mentored_groups__member_count", filter=in_reach), 0),
            waiting_submissions=_count_in_mentored_groups(pending, "user"),
            waiting_flags=_count_in_mentored_groups(flags, "user"),
        )
        .only("id", "display_name", "email")
        .order_by("display_name", "id")
    )
    mentors = list(mentors)
    mentored: dict[int, list[Group]] = {m.pk: [] for m in mentors}
    through = Group.mentors.through.objects.filter(
        user_id__in=list(mentored), group__in=groups
    ).select_related("group")
    for row in through.order_by("group__name"):
        mentored[row.user_id].append(row.group)
    return [
        MentorLoad(
            mentor=m,
            groups=mentored[m.pk],
            members=m.member_total,
            waiting_submissions=m.waiting_submissions,
            waiting_flags=m.waiting_flags,
        )  # fmt: skip
        for m in mentors
    ]


def groups_for_assignment(*, viewer: User) -> list[Group]:
    """The groups the viewer may give a mentor (organisers all, coordinators their
    division's), by name. One query."""
    return list(Group.objects.for_viewer(viewer).only("id", "name").order_by("name", "id"))


# --- Audit -----------------------------------------------------------------------------------

AUDIT_PAGE = 50


def audit_page(
    *, viewer: User, filters: AuditFilter, before_id: int | None = None, size: int = AUDIT_PAGE
) -> tuple[list[AuditEvent], int | None]:
    """One page of the audit log in the viewer's reach and the id to continue before (None
    on the last page). Coordinators see the events of their division's people."""
    events = audit_event_list(filters=filters, actor_scope=audit_scope(viewer), before_id=before_id)
    rows = list(events[: size + 1])
    return rows[:size], (rows[size - 1].pk if len(rows) > size else None)


def audit_scope(viewer: User) -> Q | None:
    """None for organisers (every event); for a coordinator the events whose actor is one of
    their division's people (a member of its groups, or staff of the division)."""
    division_id = _division_of(viewer)
    if division_id is None:
        return None
    return Q(actor__group__division_id=division_id) | Q(actor__division_id=division_id)


def audit_export_list(*, viewer: User, filters: AuditFilter) -> QuerySet[AuditEvent]:
    """Every event of the filters in the viewer's reach, newest first (for the CSV)."""
    return audit_event_list(filters=filters, actor_scope=audit_scope(viewer))
