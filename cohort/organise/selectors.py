"""The console's reads: the morning overview, the seasons, the mentors' load, the audit log.
Organisers see everything; a coordinator their division (`_members_in_reach`)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Min, Q, QuerySet
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
    """Five queries whatever the number of members: the members' counts in one pass, the
    quiet members counted by group (the top ten) and those groups' names, the flagged days
    and the waiting submissions (each read from a partial index of pending rows). At
    100,000 members about 0.1 s (docs/performance.md), then cached for a minute."""
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
    # Counted per group id alone (no join, no name in the hash), the top ten named after.
    top = list(
        members.filter(silent)
        .values("group_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "group_id")[:SILENT_GROUPS_SHOWN]
    )
    names = dict(
        Group.objects.filter(pk__in=[r["group_id"] for r in top]).values_list("pk", "name")
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
        silent_groups=[SilentGroup(r["group_id"], names[r["group_id"]], r["n"]) for r in top],
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


class GroupRef(NamedTuple):
    pk: int
    name: str
    member_count: int


@dataclass(frozen=True)
class MentorLoad:
    mentor: User
    groups: list[GroupRef]
    members: int
    waiting_submissions: int
    waiting_flags: int

    @property
    def waiting(self) -> int:
        return self.waiting_submissions + self.waiting_flags


def _pending_by_group(queryset, division_id: int | None) -> dict[int, int]:
    """{group id: pending rows of its members}: one aggregate over the pending rows alone
    (each table has a partial index of them)."""
    if division_id is not None:
        queryset = queryset.filter(user__group__division_id=division_id)
    rows = queryset.values("user__group_id").annotate(n=Count("pk")).order_by()
    return {row["user__group_id"]: row["n"] for row in rows}


def mentor_load_list(*, viewer: User) -> list[MentorLoad]:
    """Each active mentor with the groups they mentor in the viewer's reach, those groups'
    members and the work waiting for them (pending submissions and flagged days), the most
    waiting first. Four queries whatever the size: the mentors, their groups in reach, the
    pending submissions and the flagged days counted by group (summed here per mentor:
    2,500 mentors of 100,000 members take about 0.1 s, docs/performance.md)."""
    division_id = _division_of(viewer)
    mentors = list(
        User.objects.filter(role=User.Role.MENTOR, is_active=True)
        .only("id", "display_name", "email")
        .order_by("display_name", "id")
    )
    through = (
        Group.mentors.through.objects.filter(group__in=Group.objects.for_viewer(viewer))
        .filter(user__role=User.Role.MENTOR, user__is_active=True)
        .order_by("group__name", "group_id")
        .values_list("user_id", "group_id", "group__name", "group__member_count")
    )
    mentored: dict[int, list[GroupRef]] = {m.pk: [] for m in mentors}
    for user_id, group_id, name, member_count in through:
        mentored[user_id].append(GroupRef(group_id, name, member_count))
    submissions = _pending_by_group(
        Submission.objects.filter(status=Submission.Status.PENDING), division_id
    )
    flags = _pending_by_group(
        DailyActivity.objects.filter(review=DailyActivity.Review.PENDING), division_id
    )
    loads = [
        MentorLoad(
            mentor=m,
            groups=mentored[m.pk],
            members=sum(g.member_count for g in mentored[m.pk]),
            waiting_submissions=sum(submissions.get(g.pk, 0) for g in mentored[m.pk]),
            waiting_flags=sum(flags.get(g.pk, 0) for g in mentored[m.pk]),
        )
        for m in mentors
    ]
    loads.sort(key=lambda load: -load.waiting)  # stable: by name within the same load
    return loads


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
