import datetime as dt

from ninja import Schema


class MilestoneOut(Schema):
    """A geographic path's milestone has `lat`/`lon`, an illustrated one's `x`/`y` (pixels of
    the path's image); the other pair is null."""

    id: int
    order: int
    name: str
    distance: float
    lat: float | None
    lon: float | None
    x: float | None
    y: float | None

    @staticmethod
    def resolve_x(obj) -> float | None:
        return None if obj.lat is not None else obj.x

    @staticmethod
    def resolve_y(obj) -> float | None:
        return None if obj.lat is not None else obj.y


class PathOut(Schema):
    id: int
    name: str
    description: str
    unit: str
    steps_per_unit: int
    total_distance: float
    start_date: dt.date
    end_date: dt.date | None
    next_path_id: int | None
    kind: str
    map_width: int
    map_height: int
    milestones: list[MilestoneOut]


class PositionOut(Schema):
    user_id: int
    name: str
    colour: str
    initials: str
    steps: int
    distance: float
    progress: float
    lat: float | None
    lon: float | None
    x: float
    y: float
    milestone: str | None
    next_milestone: str | None
    to_next: float | None
    is_viewer: bool
    completed: bool


class RouteOut(Schema):
    """The path's line as a GeoJSON Feature: a LineString of [longitude, latitude] (or of
    [x, y] image pixels for an illustrated path, `properties.kind` says which)."""

    type: str = "Feature"
    geometry: dict
    properties: dict
