import datetime as dt
from typing import Literal

from ninja import Field, Schema

from cohort.core.schemas import JsonInt


class LoginIn(Schema):
    email: str = Field(..., max_length=254)
    password: str = Field(..., max_length=4096)


class GroupRef(Schema):
    id: int
    name: str


class UserOut(Schema):
    id: int
    email: str
    display_name: str
    role: str
    time_zone: str
    marker_colour: str
    language: str
    group: GroupRef | None
    is_group_leader: bool


class MeIn(Schema):
    display_name: str | None = Field(None, max_length=100)
    time_zone: str | None = Field(
        None, max_length=64, description="An IANA zone, e.g. Europe/Madrid"
    )
    marker_colour: str | None = Field(None, max_length=7, description="#rrggbb")
    language: str | None = Field(
        None, max_length=8, description='"en", "es", "hi", or "" for the browser\'s'
    )


class GroupIn(Schema):
    name: str = Field(..., max_length=100)
    password: str = Field(..., max_length=4096)
    division_id: JsonInt | None = None


class GroupOut(Schema):
    id: int
    name: str
    division_id: int | None
    leader_id: int | None
    member_count: int


class MemberIn(Schema):
    email: str = Field(..., max_length=254)
    display_name: str = Field("", max_length=100)


class MemberOut(Schema):
    id: int
    email: str
    display_name: str
    group_id: int


TokenScope = Literal["read", "activity:write", "organise"]


class TokenIn(Schema):
    name: str = Field("API token", max_length=60)
    scope: TokenScope = Field(
        "read",
        description="read: GET requests only; activity:write: also PUT /api/v1/activity/{day}; "
        "organise (organisers only): also POST /api/v1/jobs/{name}/run",
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str
    expires_at: dt.datetime
    token: str


class ImportRowOut(Schema):
    line: int
    email: str
    name: str
    group: str
    outcome: Literal["create", "move", "unchanged", "error"]
    detail: str = Field("", description="the error, or the group a moved member leaves")


class ImportReportOut(Schema):
    dry_run: bool
    written: bool
    created: int
    moved: int
    unchanged: int
    groups_created: list[str]
    passwords: dict[str, str] = Field(
        ..., description="each new group's generated password, shown this once"
    )
    rows: list[ImportRowOut]
