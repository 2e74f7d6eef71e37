import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import gettext as _

from cohort.accounts import permissions
from cohort.core.caching import cache_version, cached, cached_from
from cohort.core.exceptions import NotFound
from cohort.journeys.models import Enrollment, Milestone, Path, PathRoute
from cohort.journeys.progress import MilestonePoint, progress_for_steps, spread_markers
from cohort.journeys.routes import (
    RouteGeometry,
    Sketch,
    route_measure,
    route_position,
    sketch_for,
)

# v3: paths carry their kind and route, milestones lat/lon (a v2 value is never read back).
CURRENT_PATH_KEY = "journeys:current-path:v3"
_CURRENT_PATH_TTL = 3600
_ROUTE_TTL = 24 * 3600


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
    kind: str = Path.Kind.ILLUSTRATED
    route_id: int | None = None
    map_image: str = ""
    sketch: Sketch | None = None  # geographic: lat/lon onto the SVG map's box

    @property
    def is_geographic(self) -> bool:
        return self.kind == Path.Kind.GEOGRAPHIC


def route_geometry_get(*, route_id: int) -> RouteGeometry | None:
    """A stored route line, cached by its id (a route row never changes)."""

    def load():
        row = (
            PathRoute.objects.filter(pk=route_id)
            .values_list("points", "cumulative", "is_geographic")
            .first()
        )
        if row is None:
            return None
        points, cumulative, is_geographic = row
        return RouteGeometry(
            points=tuple((float(x), float(y)) for x, y in points),
            cumulative=tuple(float(c) for c in cumulative),
            is_geographic=is_geographic,
        )

    return cached("route", f"journeys:route:v1:{route_id}", load, _ROUTE_TTL)


def _map_point(m: Milestone, geographic: bool) -> tuple[float, float] | None:
    if geographic:
        return (m.lon, m.lat) if m.lon is not None and m.lat is not None else None
    return (m.x, m.y) if m.x is not None and m.y is not None else None


def _route_through(points: list[MilestonePoint], geographic: bool) -> RouteGeometry | None:
    """Without a stored route: the line through the milestones' map points."""
    if geographic:
        line = [(m.lon, m.lat) for m in points if m.lon is not None and m.lat is not None]
    else:
        line = [(m.x, m.y) for m in points]
    return route_measure(line, is_geographic=geographic) if len(line) > 1 else None


def path_route_get(path: PathView) -> RouteGeometry | None:
    """The path's line: its stored route, or the line through its milestones' points;
    None when there is nothing to draw."""
    if path.route_id is not None:
        return route_geometry_get(route_id=path.route_id)
    return _route_through(path.milestones, path.is_geographic)


def _milestone_points(path: Path) -> tuple[list[MilestonePoint], Sketch | None]:
    """The milestones, sorted by distance, each with where it sits along the route and (a
    geographic path) its lat/lon projected onto the SVG map's box; and that projection."""
    geographic = path.kind == Path.Kind.GEOGRAPHIC
    rows = list(path.milestones.order_by("distance"))
    found = [_map_point(m, geographic) for m in rows]
    raw = [
        MilestonePoint(
            m.id,
            m.order,
            m.name,
            m.distance,
            m.x or 0.0,
            m.y or 0.0,
            m.postcard,
            bool(m.postcard_photo),
            lat=m.lat,
            lon=m.lon,
        )
        for m in rows
    ]
    route = route_geometry_get(route_id=path.route_id) if path.route_id else None
    route = route or _route_through(raw, geographic)
    if route is None:
        return raw, None
    along = iter(route.locate([p for p in found if p is not None]))
    sketch = sketch_for(route.points, path.map_width, path.map_height) if geographic else None
    points = []
    for m, point in zip(raw, found, strict=True):
        if point is None:
            points.append(m)
            continue
        x, y = sketch.project(*point) if sketch else point
        points.append(replace(m, x=x, y=y, along=next(along)))
    return points, sketch


def _path_view(path: Path) -> PathView:
    milestones, sketch = _milestone_points(path)
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
        kind=path.kind,
        route_id=path.route_id,
        map_image=path.map_image.name or "",
        sketch=sketch,
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


CHAIN_KEY = "journeys:current-chain:v3"
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


# Every path's view is cached under this version; path_cache_clear drops it (a new random
# one starts), so an edit to any path or milestone is seen at once.
PATHS_VERSION_KEY = "journeys:paths:version"


def path_get(*, path_id: int) -> PathView | None:
    """A path with its milestones: the current one's cached view, else one cached under
    the paths' version (a path that is not current is read by the chain, the API and the
    map's legs)."""
    current = path_current_get()
    if current and current.id == path_id:
        return current
    version = cache_version(PATHS_VERSION_KEY, None)

    def load():
        path = Path.objects.filter(pk=path_id).first()
        return _path_view(path) if path else False

    if version is None:  # no cache
        return load() or None
    key = f"journeys:path:v3:{version}:{path_id}"
    return cached("path", key, load, _CURRENT_PATH_TTL) or None


def path_get_for_viewer(*, viewer, path_id: int) -> PathView:
    """The path if the viewer may see it, else NotFound (404, as for a path that does not
    exist): staff any path; members the current chain's and those they are enrolled on.
    Cached for the current path; one query more for a member on another."""
    path = path_get(path_id=path_id)
    if path is None:
        raise NotFound(_("No such path."))
    if permissions.may_see_every_path(viewer):
        return path
    if any(p.id == path_id for p in path_chain_get()):
        return path
    if not Enrollment.objects.filter(user_id=viewer.pk, path_id=path_id).exists():
        raise NotFound(_("No such path."))
    return path


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
    lat: float | None = None  # geographic paths
    lon: float | None = None
    initials: str = ""


# Twenty colours told apart on a map (a group has at most 20 members): a member who kept
# the default marker colour gets the one of their place in the group's list.
MARKER_PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#e377c2", "#8c564b",
    "#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#f0027f", "#000000",
    "#6baed6", "#fd8d3c", "#74c476", "#9e9ac8",
)  # fmt: skip
_DEFAULT_COLOUR = "#2563eb"


def marker_colour(chosen: str, place: int) -> str:
    """The member's own colour, or the palette's for their place in the group's list."""
    if chosen and chosen.lower() != _DEFAULT_COLOUR:
        return chosen
    return MARKER_PALETTE[place % len(MARKER_PALETTE)]


def initials(name: str) -> str:
    """Up to two letters for a marker: the first of the first and last words."""
    words = [w for w in name.split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


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
    for place, member in enumerate(members):
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
                colour=marker_colour(member.marker_colour, place),
                initials=initials(member.display_name),
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
    return _markers_placed(path, markers)


def _markers_placed(path: PathView, markers: list[Marker]) -> list[Marker]:
    """Each marker at the point of the route line its distance reaches (between the
    milestones either side, routes.route_position), then spread apart where they share a
    spot on the SVG map. The line comes from the cache: a bisect and a multiplication a
    marker."""
    route = path_route_get(path)
    if route is None:
        return markers
    anchors = [(float(m.distance), m.along) for m in path.milestones]
    if not anchors:
        anchors = [(0.0, 0.0), (float(path.total_distance), route.length)]
    spots = [route.point_at(route_position(float(m.distance), anchors)) for m in markers]
    if path.sketch is not None:  # geographic: (lon, lat) onto the SVG map's box
        placed = [
            replace(m, lon=round(lon, 6), lat=round(lat, 6))
            for m, (lon, lat) in zip(markers, spots, strict=True)
        ]
        drawn = [path.sketch.project(lon, lat) for lon, lat in spots]
    else:
        placed, drawn = markers, spots
    return [
        replace(marker, x=round(x, 1), y=round(y, 1))
        for marker, (x, y) in zip(placed, spread_markers(drawn), strict=True)
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
        raise NotFound(_("No such postcard."))
    if permissions.may_see_all_groups(viewer):
        return milestone
    reached = Enrollment.objects.filter(user_id=viewer.pk, path_id=milestone.path_id).filter(
        Q(distance__gte=milestone.distance) | Q(notified_order__gte=milestone.order)
    )
    if not reached.exists():
        raise NotFound(_("No such postcard."))
    return milestone
