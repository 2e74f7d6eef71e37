from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from cohort.accounts.auth import token_or_session
from cohort.core.exceptions import InvalidInput
from cohort.core.pagination import CursorPagination
from cohort.notifications.pagination import ORDERING, PAGE_SIZE
from cohort.notifications.push import push_subscription_delete, push_subscription_save
from cohort.notifications.schemas import (
    MarkedOut,
    MarkReadIn,
    NotificationOut,
    PushEndpointIn,
    PushRemovedOut,
    PushSubscriptionIn,
    PushSubscriptionOut,
    UnreadCountOut,
)
from cohort.notifications.selectors import notifications_of
from cohort.notifications.services import notifications_mark_read
from cohort.notifications.unread import unread_count_get

router = Router(tags=["notifications"], auth=token_or_session)


@router.get("/notifications", response=list[NotificationOut], summary="The viewer's, newest first")
@paginate(CursorPagination, ordering=ORDERING, page_size=PAGE_SIZE, max_page_size=100)
def list_notifications(request: HttpRequest, unread: bool = False):
    """`unread=true` for unread ones only; follow `next` for older ones."""
    return notifications_of(user_id=request.user.pk, unread_only=unread)


@router.get("/notifications/unread-count", response=UnreadCountOut, summary="Unread count")
def unread_count(request: HttpRequest):
    return {"unread_count": unread_count_get(user_id=request.user.pk)}


@router.post("/notifications/read", response=MarkedOut, summary="Mark read")
def mark_read(request: HttpRequest, payload: MarkReadIn):
    """`{"ids": [...]}` marks those (ids of others' notifications are ignored), or
    `{"all": true}` marks every one."""
    if payload.all == (payload.ids is not None):
        raise InvalidInput(_('Send either "ids" or "all": true.'))
    marked = notifications_mark_read(user_id=request.user.pk, ids=payload.ids)
    return {"marked": marked, "unread_count": unread_count_get(user_id=request.user.pk)}


# Push subscriptions belong to a browser, so only a signed-in browser (session + CSRF) makes
# or removes one; an API token cannot.
@router.post(
    "/notifications/push-subscriptions",
    auth=django_auth,
    response={201: PushSubscriptionOut},
    summary="Push to this browser (its PushSubscription)",
)
def push_subscribe(request: HttpRequest, payload: PushSubscriptionIn):
    """The browser's `PushSubscription.toJSON()`. 422 when push is off on this site, the
    endpoint is not a browser push service's, or a key is malformed."""
    subscription = push_subscription_save(
        user_id=request.user.pk,
        endpoint=payload.endpoint,
        p256dh=payload.keys.p256dh,
        auth=payload.keys.auth,
        user_agent=request.headers.get("User-Agent", ""),
    )
    return Status(201, subscription)


@router.delete(
    "/notifications/push-subscriptions",
    auth=django_auth,
    response=PushRemovedOut,
    summary="Stop pushing to this browser",
)
def push_unsubscribe(request: HttpRequest, payload: PushEndpointIn):
    """`{"endpoint": ...}` of the viewer's subscription; another member's is left alone."""
    return {"removed": push_subscription_delete(user_id=request.user.pk, endpoint=payload.endpoint)}
