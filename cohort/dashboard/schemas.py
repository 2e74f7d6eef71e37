import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class DashboardQuery(Schema):
    scope: str = Field("group", description="group (the viewer's) or all (staff)")
    order: str = Field("progress", description="progress, name or last_activity")
    group: int | None = None
    q: str = Field("", max_length=100, description="part of a name or email")
    progress_min: Decimal | None = Field(None, ge=0, le=100)
    progress_max: Decimal | None = Field(None, ge=0, le=100)
    cursor: str | None = None


class DashboardRowOut(Schema):
    user_id: int
    name: str
    group: str
    distance: Decimal
    progress: Decimal
    milestone: str
    today_steps: int
    week_steps: int
    last_logged_on: dt.date | None
    streak: int | None
    season_points: int | None


class DashboardOut(Schema):
    results: list[DashboardRowOut]
    next: str | None
