from ninja import Schema


class RowOut(Schema):
    rank: int
    id: int
    name: str
    distance: str  # in the path's unit, two decimals
    group: str
    total: str | None = None  # groups: the total distance
    active_members: int | None = None
    is_viewer: bool


class BoardOut(Schema):
    board: str
    unit: str
    members: int  # how many are ranked (groups, on the groups board)
    rows: list[RowOut]
    next: str | None
    previous: str | None


class MeOut(Schema):
    board: str
    rank: int
    distance: str
    neighbours: list[RowOut]
    page_cursor: str  # the page that holds the viewer ("jump to me")
