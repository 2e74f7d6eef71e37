import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import IO

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext

from cohort.accounts import permissions
from cohort.core.clock import programme_today
from cohort.core.exceptions import InvalidInput
from cohort.journeys.gpx import RouteFile, route_file_read
from cohort.journeys.models import Enrollment, Milestone, Path, PathRoute
from cohort.journeys.progress import HUNDREDTH, progress_for_steps
from cohort.journeys.routes import (
    METRES_PER_UNIT,
    RouteGeometry,
    route_measure,
    route_simplify,
)
from cohort.journeys.selectors import (
    CHAIN_KEY,
    CURRENT_PATH_KEY,
    PATHS_VERSION_KEY,
    PathView,
    path_chain_get,
    path_get,
)
from cohort.journeys.signals import path_made_current
from cohort.notifications.services import NotificationDraft, notifications_create


def path_cache_clear() -> None:
    """Call after any change to a path or its milestones."""
    cache.delete_many([CURRENT_PATH_KEY, CHAIN_KEY, PATHS_VERSION_KEY])


@transaction.atomic
def path_make_current(*, path: Path) -> Path:
    """Make `path` the one current path. Refuses a path that has not started: members could
    log no day on it while it showed everyone at 0. Listeners of path_made_current rebuild
    progress on it from the days already logged once this commits."""
    if path.start_date > programme_today():
        raise InvalidInput(
            gettext(
                "%(name)s starts on %(format)s: make it current on that day "
                "or later (or move its start date), so members can log their days on it."
            )
            % {"name": path.name, "format": date_format(path.start_date, "j F Y")}
        )
    Path.objects.filter(is_current=True).exclude(pk=path.pk).update(is_current=False)
    Path.objects.filter(pk=path.pk).update(is_current=True)
    path.is_current = True
    transaction.on_commit(path_cache_clear)  # before the listeners' work, which reads it
    path_made_current.send(sender=Path, path_id=path.pk)
    return path


def enrollments_start(*, user_ids) -> int:
    """Put these users (the active members among them) on the first path of the current
    chain from its start, unless they are on it already; at join, so every dashboard lists
    them before they log a day. Returns how many enrollments it created."""
    from cohort.accounts.models import User

    chain = path_chain_get()
    if not chain or not user_ids:
        return 0
    path = chain[0]
    members = User.objects.filter(
        pk__in=list(user_ids), role=User.Role.MEMBER, is_active=True, group__isnull=False
    ).exclude(enrollments__path_id=path.id)
    created = Enrollment.objects.bulk_create(
        [
            Enrollment(user_id=pk, path_id=path.id, started_on=path.start_date)
            for pk in members.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )
    return len(created)


def member_joined_received(sender, user_ids=(), **kwargs) -> None:
    """accounts.signals.member_joined: the newcomers start on the current path."""
    enrollments_start(user_ids=user_ids)


_JOINING_FIELDS = {"group", "group_id", "role", "is_active"}


def user_saved_received(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    """post_save of a User: one who now is an active member of a group (created, added,
    joined through an invite, made in the admin, moved in) starts on the current path.
    Saves that touch none of those fields (a sign-in stamping last_login) cost nothing."""
    if not created and update_fields is not None and not set(update_fields) & _JOINING_FIELDS:
        return
    if permissions.is_member(instance) and instance.is_active and instance.group_id:
        enrollments_start(user_ids=[instance.pk])


def enrollment_get_or_create(*, user_id: int, path: PathView, started_on: dt.date | None = None):
    """The member's enrollment on the path, created on first need."""
    enrollment, _ = Enrollment.objects.get_or_create(
        user_id=user_id, path_id=path.id, defaults={"started_on": started_on or path.start_date}
    )
    return enrollment


_NOTICE_MAX = 300  # Notification.text


def _milestone_text(milestone_name: str, path_name: str, postcard: str) -> str:
    text = gettext("You reached %(milestone)s on %(path)s!") % {
        "milestone": milestone_name,
        "path": path_name,
    }
    if postcard:
        text = f"{text} {postcard}"
    if len(text) > _NOTICE_MAX:
        text = text[: _NOTICE_MAX - 1].rstrip() + "…"
    return text


# Written in the recipient's language when the notification is created (core.i18n).
_milestone_text_lazy = lazy(_milestone_text, str)


def milestone_notice(milestone, path: PathView) -> tuple[str, str, str]:
    """The text (with the milestone's postcard, cut to fit; lazy: in the language active
    when made text), link (its postcard page) and dedupe key of the notification for
    reaching `milestone`."""
    text = _milestone_text_lazy(milestone.name, path.name, milestone.postcard)
    return text, f"/milestones/{milestone.id}/", f"milestone:{milestone.id}"


def milestone_notification_drafts(enrollment: Enrollment, path: PathView, up_to_order: int) -> list:
    """One notification per milestone above the enrollment's notified_order, up to this one."""
    return [
        NotificationDraft(enrollment.user_id, *milestone_notice(m, path))
        for m in path.milestones
        if enrollment.notified_order < m.order <= up_to_order
    ]


_PROGRESS_FIELDS = [
    "steps", "distance", "progress", "current_milestone", "notified_order", "completed_at",
    "updated_at",
]  # fmt: skip


def _enrollments_locked(user_id: int) -> list[Enrollment]:
    """Every enrollment of the member (a few rows), row-locked, oldest first: one statement
    written out, which costs a fraction of the ORM's building of it."""
    table = Enrollment._meta.db_table
    if connection.vendor != "postgresql":  # raw() applies the backend's value converters
        sql = f"SELECT * FROM {table} WHERE user_id = %s ORDER BY started_on, id"  # noqa: S608
        return list(Enrollment.objects.raw(sql, [user_id]))
    # psycopg hands back Python values already (Decimal, date, aware datetime).
    fields = [f.attname for f in Enrollment._meta.concrete_fields]
    columns = ", ".join(
        connection.ops.quote_name(str(f.column)) for f in Enrollment._meta.concrete_fields
    )
    sql = (
        f"SELECT {columns} FROM {table} WHERE user_id = %s "  # noqa: S608
        "ORDER BY started_on, id FOR UPDATE"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        return [Enrollment.from_db(connection.alias, fields, row) for row in cursor.fetchall()]


_PROGRESS_FIELDS = [
    "steps", "distance", "progress", "current_milestone", "notified_order", "completed_at",
    "updated_at",
]  # fmt: skip


def _enrollment_write(enrollment: Enrollment) -> None:
    """save(update_fields=_PROGRESS_FIELDS) as one UPDATE written out (the ORM's compiling
    of it was most of its cost)."""
    enrollment.updated_at = timezone.now()
    fields = [f for f in Enrollment._meta.concrete_fields if f.name in _PROGRESS_FIELDS]
    assignments = ", ".join(f"{connection.ops.quote_name(str(f.column))} = %s" for f in fields)
    params = [f.get_db_prep_save(getattr(enrollment, f.attname), connection) for f in fields]
    sql = f"UPDATE {Enrollment._meta.db_table} SET {assignments} WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, enrollment.pk])


# No savepoint: the caller's transaction is the unit (an error here rolls all of it back),
# and SAVEPOINT/RELEASE were two of a logged day's statements.
@transaction.atomic(savepoint=False)
def enrollment_apply_steps(
    *,
    user_id: int,
    day: dt.date,
    delta_steps: int,
    chain: list[PathView] | None = None,
    held: list[Enrollment] | None = None,
) -> list[Enrollment]:
    """Add `delta_steps` (negative when a day is lowered) logged for `day` to each of the
    member's enrollments along the current chain whose window holds that day, in the
    caller's transaction. Notifies each newly reached milestone once. Returns the changed
    enrollments; enrolling a finisher in the next path is the caller's part, since the
    day they finished comes from their daily activity. `chain`: path_chain_get() when the
    caller already has it. `held`: a list this fills with every enrollment of the member,
    as they stand after the change (oldest first), when there was a change to make."""
    chain_by_id = {p.id: p for p in (path_chain_get() if chain is None else chain)}
    if not chain_by_id or delta_steps == 0:
        return []
    first = next(iter(chain_by_id.values()))
    enrollments = _enrollments_locked(user_id)
    if not any(e.path_id == first.id for e in enrollments):  # the first log: create, lock
        enrollment_get_or_create(user_id=user_id, path=first)
        enrollments = _enrollments_locked(user_id)
    changed = []
    for enrollment in enrollments:
        path = chain_by_id.get(enrollment.path_id)
        if path is None or enrollment.started_on > day or (path.end_date and day > path.end_date):
            continue
        enrollment.steps = max(0, enrollment.steps + delta_steps)
        _enrollment_set_progress(enrollment, path)
        _enrollment_write(enrollment)
        changed.append(enrollment)
    if held is not None:
        held.extend(enrollments)
    return changed


def enrollment_follow_on(*, user_id: int, path: PathView, finished_on: dt.date) -> None:
    """Enroll a member who finished `path` in the next path of the chain, counting from the
    day after the day their running total crossed the finish."""
    following = path_get(path_id=path.next_path_id) if path.next_path_id else None
    if following is not None:
        enrollment_get_or_create(
            user_id=user_id, path=following, started_on=finished_on + dt.timedelta(days=1)
        )


def _enrollment_set_progress(enrollment: Enrollment, path: PathView) -> None:
    """Caller holds the enrollment's row lock."""
    progress = progress_for_steps(
        steps=enrollment.steps,
        steps_per_unit=path.steps_per_unit,
        total=path.total_distance,
        milestones=path.milestones,
    )
    enrollment.distance, enrollment.progress = progress.distance, progress.percent
    enrollment.current_milestone_id = progress.milestone.id if progress.milestone else None
    reached = progress.milestone.order if progress.milestone else 0
    if reached > enrollment.notified_order:
        notifications_create(drafts=milestone_notification_drafts(enrollment, path, reached))
        enrollment.notified_order = reached
    if progress.is_complete and enrollment.completed_at is None:
        enrollment.completed_at = timezone.now()
    elif not progress.is_complete:
        enrollment.completed_at = None


# --- Paths from a route file (GPX or GeoJSON) ---------------------------------------------

STEPS_PER_UNIT = {Path.Unit.MILES: 2112, Path.Unit.KILOMETRES: 1312}  # 2,112 steps a mile
MAX_MILESTONES = 500
_MAX_TOTAL = Decimal("9999999.99")  # Path.total_distance's nine digits


@dataclass(frozen=True)
class _Planned:
    name: str
    distance: Decimal
    lon: float
    lat: float


def _in_unit(metres: float, unit: str) -> Decimal:
    return Decimal(metres / METRES_PER_UNIT[unit]).quantize(HUNDREDTH, ROUND_DOWN)


def _milestones_plan(
    line: RouteGeometry, route: RouteFile, *, unit: str, total: Decimal, every: Decimal | None
) -> list[_Planned]:
    """Start and finish; between them a milestone at each waypoint (at its nearest point of
    the line), or without waypoints one every `every` units. One per distance: a waypoint
    at the start or the finish names it."""
    start, finish = line.points[0], line.points[-1]
    planned = {
        Decimal(0): _Planned("Start", Decimal(0), *start),
        total: _Planned("Finish", total, *finish),
    }
    if len(route.waypoints) > MAX_MILESTONES - 2:
        raise InvalidInput(
            gettext(
                "The file has %(len)s waypoints; a path takes at most "
                "%(value)s between its start and finish."
            )
            % {"len": len(route.waypoints), "value": MAX_MILESTONES - 2}
        )
    if route.waypoints:
        along = line.locate([(w.lon, w.lat) for w in route.waypoints])
        for n, (waypoint, metres) in enumerate(zip(route.waypoints, along, strict=True), 1):
            distance = min(_in_unit(metres, unit), total)
            name = (waypoint.name or f"Waypoint {n}")[:120]
            planned[distance] = _Planned(name, distance, *line.point_at(metres))
    elif every is not None:
        if total / every > MAX_MILESTONES:
            raise InvalidInput(
                gettext(
                    "A milestone every %(every)s %(unit)s makes more than %(max_milestones)s: "
                    "choose a larger distance between milestones (every)."
                )
                % {"every": every, "unit": unit, "max_milestones": MAX_MILESTONES}
            )
        metres_each = float(every) * METRES_PER_UNIT[unit]
        for k in range(1, int(total / every) + 1):
            distance = (every * k).quantize(HUNDREDTH)
            if distance < total:
                name = f"{distance.normalize():f} {unit}"
                planned[distance] = _Planned(name, distance, *line.point_at(metres_each * k))
    return [planned[d] for d in sorted(planned)]


def path_routes_orphaned_delete() -> int:
    """Delete the route lines no path uses any more (after paths were deleted); how many."""
    deleted, _ = PathRoute.objects.filter(path__isnull=True).delete()
    return deleted


def _path_import_check(*, name: str, unit: str, every: Decimal | None) -> tuple[str, str]:
    """The name stripped and the unit's code (`miles` is `mi`), or InvalidInput."""
    name, unit = name.strip(), "mi" if unit == "miles" else unit
    if not name or len(name) > 120:
        raise InvalidInput(gettext("Give the path a name of 1 to 120 characters."))
    if unit not in Path.Unit.values:
        raise InvalidInput(gettext("The unit is km, or mi (or miles)."))
    if every is not None and not (every.is_finite() and every > 0):
        raise InvalidInput(
            gettext("The distance between milestones (every) must be a positive number.")
        )
    return name, unit


def path_import(
    *,
    source: IO[bytes],
    name: str,
    unit: str = Path.Unit.KILOMETRES,
    every: Decimal | None = None,
    size: int | None = None,
    start_date: dt.date | None = None,
) -> Path:
    """A new geographic path from a GPX or GeoJSON file (gpx.route_file_read: 413/422 for a
    bad one): its line from the track (or route), its total distance the line's geodesic
    length on WGS84 in `unit`, milestones from _milestones_plan. Starts today unless told;
    not current. All or nothing: a bad file writes no row."""
    name, unit = _path_import_check(name=name, unit=unit, every=every)
    route = route_file_read(source, size=size)
    line = route_measure(route.points, is_geographic=True)
    total = _in_unit(line.length, unit)
    if total < HUNDREDTH:
        raise InvalidInput(
            gettext("The line is %(format)s m long: too short to walk.")
            % {"format": format(line.length, ".1f")}
        )
    if total > _MAX_TOTAL:
        raise InvalidInput(gettext("The line is longer than any path can be."))
    planned = _milestones_plan(line, route, unit=unit, total=total, every=every)
    stored = route_measure(route_simplify(route.points), is_geographic=True)
    with transaction.atomic():
        path_route = PathRoute.objects.create(
            points=[list(p) for p in stored.points],
            cumulative=[round(c, 3) for c in stored.cumulative],
            is_geographic=True,
        )
        path = Path.objects.create(
            name=name,
            unit=unit,
            steps_per_unit=STEPS_PER_UNIT[Path.Unit(unit)],
            total_distance=total,
            start_date=start_date or programme_today(),
            kind=Path.Kind.GEOGRAPHIC,
            route=path_route,
        )
        Milestone.objects.bulk_create(
            Milestone(
                path=path,
                order=order,
                name=m.name,
                distance=m.distance,
                lat=round(m.lat, 6),
                lon=round(m.lon, 6),
            )
            for order, m in enumerate(planned)
        )
        transaction.on_commit(path_cache_clear)
    return path
