import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Q

from cohort.accounts import permissions
from cohort.core.caching import cached_from
from cohort.core.exceptions import NotFound
from cohort.journeys.models import Enrollment, Milestone, Path
from cohort.journeys.progress import (
    MilestonePoint,
    point_at,
    progress_for_steps,
    spread_markers,
)

# v2: milestones carry their postcard (a v1 value, without it, is never read back).
CURRENT_PATH_KEY = "journeys:current-path:v2"
_CURRENT_PATH_TTL = 3600


@dataclass(frozen=True)
class PathView:
    """A path with its milestones, small enough to cache whole."""

    id: int
    name: str
    description: str
    unit: str
    steps_per_unit: int
    total_distance: Decimal
    start_date: dt.date
    end_date: dt.date | None
    next_path_id: int | None
    map_width: int
    map_height: int
    milestones: list[MilestonePoint]


def _path_view(path: Path) -> PathView:
    milestones = [
        MilestonePoint(
            m.id, m.order, m.name, m.distance, m.x, m.y, m.postcard, bool(m.postcard_photo)
        )
        for m in path.milestones.order_by("distance")
    ]
    return PathView(
        id=path.pk,
        name=path.name,
        description=path.description,
        unit=path.unit,
        steps_per_unit=path.steps_per_unit,
        total_distance=path.total_distance,
        start_date=path.start_date,
        end_date=path.end_date,
        next_path_id=path.next_path_id,
        map_width=path.map_width,
        map_height=path.map_height,
        milestones=milestones,
    )


def path_current_get(found: dict | None = None) -> PathView | None:
    """The current path with milestones, from the cache (dropped whenever a path changes);
    `found`: values the caller already fetched with cache_get_many."""

    def load():
        path = Path.objects.filter(is_current=True).first()
        return _path_view(path) if path else False  # False: "no current path", cached too

    return (
        cached_from(found or {}, "current_path", CURRENT_PATH_KEY, load, _CURRENT_PATH_TTL) or None
    )


CHAIN_KEY = "journeys:current-chain:v2"
_MAX_CHAIN = 20


def path_chain_get(found: dict | None = None) -> list[PathView]:
    """The current path and the paths chained after it, in order (cached with it); `found`:
    values the caller already fetched with cache_get_many."""
    known = (found or {}).get(CHAIN_KEY)
    if known is not None:
        return known
    stored = cache.get(CHAIN_KEY)
    if stored is not None:
        return stored
    chain: list[PathView] = []
    current = path_current_get()
    seen: set[int] = set()
    while current is not None and current.id not in seen and len(chain) < _MAX_CHAIN:
        chain.append(current)
        seen.add(current.id)
        current = path_get(path_id=current.next_path_id) if current.next_path_id else None
    cache.set(CHAIN_KEY, chain, _CURRENT_PATH_TTL)
    return chain


def path_get(*, path_id: int) -> PathView | None:
    current = path_current_get()
    if current and current.id == path_id:
        return current
    path = Path.objects.filter(pk=path_id).first()
    return _path_view(path) if path else None


def enrollments_for_users(*, path_id: int, user_ids) -> dict[int, Enrollment]:
    """The given users' enrollments on a path, keyed by user id. One query."""
    rows = Enrollment.objects.filter(path_id=path_id, user_id__in=list(user_ids))
    return {e.user_id: e for e in rows}


@dataclass(frozen=True)
class Marker:
    user_id: int
    name: str
    colour: str
    steps: int
    distance: Decimal
    progress: Decimal
    x: float
    y: float
    milestone: str | None
    next_milestone: str | None
    to_next: Decimal | None
    is_viewer: bool
    completed: bool


def path_markers_for_group(
    *, path: PathView, group_id: int, viewer_id: int, walking: dict[int, int] | None = None
) -> list[Marker]:
    """Where each member of the group stands on the path: two queries, whatever the size.
    With `walking` (path_walking_by_user), only the members walking this path."""
    from cohort.accounts.models import User

    members = list(
        User.objects.filter(group_id=group_id, is_active=True)
        .only("id", "display_name", "marker_colour")
        .order_by("display_name", "id")
    )
    if walking is not None:
        members = [m for m in members if walking.get(m.pk, path.id) == path.id]
    enrollments = enrollments_for_users(path_id=path.id, user_ids=[m.pk for m in members])
    markers = []
    for member in members:
        enrollment = enrollments.get(member.pk)
        steps = enrollment.steps if enrollment else 0
        progress = progress_for_steps(
            steps=steps,
            steps_per_unit=path.steps_per_unit,
            total=path.total_distance,
            milestones=path.milestones,
        )
        ahead = progress.next_milestone
        markers.append(
            Marker(
                user_id=member.pk,
                name=member.display_name,
                colour=member.marker_colour,
                steps=steps,
                distance=progress.distance,
                progress=progress.percent,
                x=0.0,
                y=0.0,
                milestone=progress.milestone.name if progress.milestone else None,
                next_milestone=ahead.name if ahead else None,
                to_next=(ahead.distance - progress.distance) if ahead else None,
                is_viewer=member.pk == viewer_id,
                completed=progress.is_complete,
            )
        )
    points = [point_at(m.distance, path.milestones) for m in markers]
    return [
        replace(marker, x=round(x, 1), y=round(y, 1))
        for marker, (x, y) in zip(markers, spread_markers(points), strict=True)
    ]


def path_walking_by_user(*, user_ids, chain: list[PathView]) -> dict[int, int]:
    """{user id: id of the chain path each member is walking}: the latest one they started
    (a finisher moves on to the next path), the chain's first for those on none. One query."""
    if not chain:
        return {}
    order = {p.id: i for i, p in enumerate(chain)}
    walking = dict.fromkeys(user_ids, chain[0].id)
    rows = Enrollment.objects.filter(user_id__in=list(walking), path_id__in=list(order))
    latest: dict[int, tuple] = {}
    for user_id, path_id, started_on in rows.values_list("user_id", "path_id", "started_on"):
        key = (started_on, order[path_id])
        if user_id not in latest or key > latest[user_id]:
            latest[user_id], walking[user_id] = key, path_id
    return walking


# --- Postcards: a member sees a milestone's postcard once they have reached it ----------


def postcards_for_viewer(*, viewer, path: PathView) -> list[MilestonePoint]:
    """The path's milestones with a postcard that the viewer may see, in order: all of them
    for organisers; for anyone else those their enrollment has reached (by distance now, or
    announced before: a lowered day does not take a postcard back). One query at most."""
    with_postcard = [m for m in path.milestones if m.postcard or m.has_photo]
    if permissions.may_see_all_groups(viewer) or not with_postcard:
        return with_postcard
    enrollment = (
        Enrollment.objects.filter(user_id=viewer.pk, path_id=path.id)
        .only("distance", "notified_order")
        .first()
    )
    if enrollment is None:
        return []
    return [
        m
        for m in with_postcard
        if m.distance <= enrollment.distance or m.order <= enrollment.notified_order
    ]


def milestone_postcard_get_for_viewer(*, viewer, milestone_id: int) -> Milestone:
    """The milestone (with its path) if the viewer may see its postcard, else NotFound (404),
    the same answer for a milestone ahead of them as for one that does not exist."""
    milestone = Milestone.objects.select_related("path").filter(pk=milestone_id).first()
    if milestone is None:
        raise NotFound("No such postcard.")
    if permissions.may_see_all_groups(viewer):
        return milestone
    reached = Enrollment.objects.filter(user_id=viewer.pk, path_id=milestone.path_id).filter(
        Q(distance__gte=milestone.distance) | Q(notified_order__gte=milestone.order)
    )
    if not reached.exists():
        raise NotFound("No such postcard.")
    return milestone
