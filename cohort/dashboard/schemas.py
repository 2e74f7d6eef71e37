import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema


class DashboardQuery(Schema):
    # Literals: anything else is a 422 before the cached page's key is built from it.
    scope: Literal["group", "all"] = Field("group", description="the viewer's group, or all")
    order: Literal["progress", "name", "last_activity"] = "progress"
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
    streak: int
    season_points: int | None


class DashboardOut(Schema):
    results: list[DashboardRowOut]
    next: str | None


class SeasonOut(Schema):
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    point_cap: int
    days_left: int


class EpisodeOut(Schema):
    number: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    state: str  # locked, unlocked or done (for the viewer)


class CategoryPointsOut(Schema):
    name: str
    cap: int
    points: int  # as earned
    counted: int  # towards the season score (capped)


class StreakOut(Schema):
    kind: str  # activity or leetcode
    current: int
    longest: int
    last_day: dt.date | None


class SeasonCurrentOut(Schema):
    season: SeasonOut
    episodes: list[EpisodeOut]
    categories: list[CategoryPointsOut]
    score: int  # the viewer's season score
    rank: int | None  # on the season points board
    legacy_score: int
    credits: int | None
    streaks: list[StreakOut]
