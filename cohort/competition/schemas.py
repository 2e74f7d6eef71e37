from ninja import Schema


class RowOut(Schema):
    rank: int
    id: int
    name: str
    distance: str | None = None  # progress and groups: in the path's unit, two decimals
    points: int | None = None  # points (the season score) and lifetime (the legacy score)
    title: str = ""  # the member's equipped title
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
    distance: str | None = None
    points: int | None = None
    neighbours: list[RowOut]
    page_cursor: str  # the page that holds the viewer ("jump to me")
