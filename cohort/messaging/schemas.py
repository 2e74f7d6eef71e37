import datetime as dt
from typing import Literal

from ninja import Field, Schema

from cohort.core.schemas import JsonInt
from cohort.messaging.models import Announcement


class AnnouncementOut(Schema):
    id: int
    title: str
    text: str
    audience: str = Field(..., description="'groups', 'division' or 'everyone'")
    priority: str = Field(..., description="'normal' or 'high'")
    status: str = Field(..., description="'draft' or 'published'")
    event_on: dt.date | None
    expires_at: dt.datetime | None
    published_at: dt.datetime | None
    author_name: str | None
    read_at: dt.datetime | None = Field(None, description="when the viewer read it")

    @staticmethod
    def resolve_priority(obj) -> str:
        return "high" if obj.priority == Announcement.Priority.HIGH else "normal"

    @staticmethod
    def resolve_author_name(obj) -> str | None:
        return obj.author.display_name if obj.author_id else None

    @staticmethod
    def resolve_read_at(obj) -> dt.datetime | None:
        return getattr(obj, "read_at", None)


class AnnouncementIn(Schema):
    title: str = Field(..., max_length=150)
    text: str = Field(..., max_length=5000)
    audience: Literal["groups", "division", "everyone"]
    group_ids: list[JsonInt] = Field(default_factory=list, max_length=1000)
    division_id: JsonInt | None = None
    priority: Literal["normal", "high"] = "normal"
    event_on: dt.date | None = None
    expires_at: dt.datetime | None = None
    publish: bool = Field(False, description="publish at once instead of saving a draft")


class ReadOut(Schema):
    id: int
    read_at: dt.datetime


class PersonOut(Schema):
    id: int
    display_name: str


class ThreadOut(Schema):
    id: int
    mentor: PersonOut
    student: PersonOut
    last_message_at: dt.datetime
    unread_count: int = 0


class MessageOut(Schema):
    id: int
    sender_id: int
    sender_name: str
    text: str
    created_at: dt.datetime

    @staticmethod
    def resolve_sender_name(obj) -> str:
        return obj.sender.display_name


class ThreadDetailOut(Schema):
    id: int
    mentor: PersonOut
    student: PersonOut
    messages: list[MessageOut]


class ThreadStartIn(Schema):
    user_id: JsonInt = Field(..., description="the mentor (for a member) or student (for a mentor)")


class MessageIn(Schema):
    text: str = Field(..., max_length=5000)
