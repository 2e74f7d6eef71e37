import datetime as dt

from ninja import Field, Schema

from cohort.core.schemas import JsonInt


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class UnreadCountOut(Schema):
    unread_count: int


class MarkReadIn(Schema):
    ids: list[JsonInt] | None = Field(None, max_length=500, description="these notifications")
    all: bool = Field(False, description="or every notification of the viewer")


class MarkedOut(Schema):
    marked: int
    unread_count: int
