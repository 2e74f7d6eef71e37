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


class PushKeysIn(Schema):
    p256dh: str = Field(..., max_length=200, description="the browser's P-256 public key")
    auth: str = Field(..., max_length=100, description="the 16-byte auth secret")


class PushSubscriptionIn(Schema):
    """PushSubscription.toJSON() of the browser: where to post, and its keys."""

    endpoint: str = Field(..., max_length=1000)
    keys: PushKeysIn


class PushSubscriptionOut(Schema):
    id: int
    endpoint: str
    created_at: dt.datetime


class PushEndpointIn(Schema):
    endpoint: str = Field(..., max_length=1000)


class PushRemovedOut(Schema):
    removed: int
