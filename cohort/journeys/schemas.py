import datetime as dt

from ninja import Schema


class MilestoneOut(Schema):
    id: int
    order: int
    name: str
    distance: float
    x: float
    y: float


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
    map_width: int
    map_height: int
    milestones: list[MilestoneOut]


class PositionOut(Schema):
    user_id: int
    name: str
    colour: str
    steps: int
    distance: float
    progress: float
    x: float
    y: float
    milestone: str | None
    next_milestone: str | None
    to_next: float | None
    is_viewer: bool
    completed: bool
