"""Web Push to the installable app (issue 23): a member's browsers subscribe
(PushSubscription), and each new notification of a kind they chose is pushed to them once,
encrypted for each device (aes128gcm) and signed with the site's VAPID key (pywebpush).

- When: a Celery task queued once the notifications commit (tasks.py), and every
  PUSH_SEND_SECONDS for what quiet hours held. Quiet hours are in the member's own time
  zone; a notification that arrives in them is HELD and pushed when they end (if it is still
  unread and less than a day old), not dropped.
- Once: the job claims due notifications under row locks (SKIP LOCKED on PostgreSQL) and
  marks them pushed in the same transaction before posting, so two workers never push one
  twice (at most once: a post that fails for another reason is logged, not retried).
- Only new ones: a device gets the notifications created after it subscribed, never the
  backlog.
- A push service's 404 or 410 (the subscription expired or was revoked) deletes it.
- Only to the browsers' push services (PUSH_SERVICE_HOSTS): a subscription naming another
  host is refused, so the server never posts to an address a member made up."""

import base64
import binascii
import datetime as dt
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlparse

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from pywebpush import WebPushException, webpush

from cohort.core.clock import zone_for
from cohort.core.exceptions import InvalidInput
from cohort.notifications.models import Notification, NotificationPreference, PushSubscription

logger = logging.getLogger(__name__)

_BATCH = 500
_MAX_AGE = dt.timedelta(days=1)  # held longer than this (or read meanwhile): not pushed
_TTL_SECONDS = 12 * 3600  # how long a push service keeps one for a device that is off
GONE = (404, 410)


@dataclass
class PushOutcome:
    sent: int = 0  # posts the push services accepted
    held: int = 0  # notifications waiting for the end of quiet hours
    removed: int = 0  # subscriptions deleted (404/410)
    failed: int = 0  # posts refused or unanswered for another reason

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _b64url_bytes(value: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def _endpoint_allowed(endpoint: str) -> bool:
    """https to a host under one of PUSH_SERVICE_HOSTS; an entry "http://host" also lets
    plain http to that host (a local test push server)."""
    url = urlparse(endpoint)
    host = (url.hostname or "").lower()
    for allowed in settings.PUSH_SERVICE_HOSTS:
        if allowed.startswith("http://"):
            if url.scheme == "http" and host == allowed.removeprefix("http://").lower():
                return True
        elif url.scheme == "https" and (host == allowed or host.endswith("." + allowed)):
            return True
    return False


def push_subscription_save(
    *, user_id: int, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Keep a browser's subscription for the member (the one who subscribed last owns a
    browser's endpoint), with their push preferences. Bad input is InvalidInput."""
    if not settings.PUSH_ENABLED:
        raise InvalidInput(_("Push notifications are not set up on this site."))
    if len(endpoint) > 1000 or not _endpoint_allowed(endpoint):
        raise InvalidInput(_("That push service is not one this site sends to."))
    public_key, secret = _b64url_bytes(p256dh), _b64url_bytes(auth)
    if public_key is None or len(public_key) != 65 or public_key[0] != 4:
        raise InvalidInput(_("The subscription's p256dh key is not a P-256 public key."))
    if secret is None or len(secret) != 16:
        raise InvalidInput(_("The subscription's auth secret must be 16 bytes."))
    with transaction.atomic():
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={
                "user_id": user_id,
                "p256dh": p256dh,
                "auth": auth,
                "user_agent": user_agent[:200],
            },
        )
        NotificationPreference.objects.get_or_create(user_id=user_id)
    return subscription


def push_subscription_delete(*, user_id: int, endpoint: str) -> int:
    """Forget the member's subscription at `endpoint` (another member's is left alone)."""
    deleted, _rows = PushSubscription.objects.filter(user_id=user_id, endpoint=endpoint).delete()
    return deleted


def _due(now: dt.datetime, recipient_ids: list[int] | None):
    """Unpushed, unread notifications less than a day old, of a kind their recipient wants
    pushed, for members with at least one device."""
    pref = "recipient__notification_preference__"
    due = Notification.objects.filter(
        Q(kind=Notification.Kind.DASHBOARD, **{f"{pref}push_dashboard": True})
        | Q(kind=Notification.Kind.PROFILE, **{f"{pref}push_profile": True}),
        pushed_at__isnull=True,
        read_at__isnull=True,
        created_at__gte=now - _MAX_AGE,
        recipient_id__in=PushSubscription.objects.values("user_id"),
        recipient__is_active=True,
    )
    if recipient_ids is not None:
        due = due.filter(recipient_id__in=recipient_ids)
    return due


def _claim(now: dt.datetime, recipient_ids, held: set[int]) -> tuple[int, list[Notification]]:
    """Lock a batch of due notifications, mark those outside their recipient's quiet hours
    pushed; return the batch's size and those. The others are added to `held`."""
    with transaction.atomic():
        locked = _due(now, recipient_ids).exclude(pk__in=held)
        locked = locked.select_for_update(skip_locked=True, of=("self",))
        batch = list(
            locked.select_related("recipient", "recipient__notification_preference").order_by("id")[
                :_BATCH
            ]
        )
        claimed = []
        for notification in batch:
            member = notification.recipient
            local = now.astimezone(zone_for(member.time_zone)).time()
            if member.notification_preference.is_quiet_at(local):
                held.add(notification.pk)
            else:
                claimed.append(notification)
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(pushed_at=now)
    return len(batch), claimed


def push_due_send(*, recipient_ids: list[int] | None = None) -> PushOutcome:
    """Push every due notification (of `recipient_ids`, or everyone's) to each device of
    its recipient subscribed before it was created. Returns what happened."""
    outcome = PushOutcome()
    if not settings.PUSH_ENABLED:
        return outcome
    now, held = timezone.now(), set()
    with requests.Session() as session:
        while True:
            size, claimed = _claim(now, recipient_ids, held)
            _post_batch(claimed, session, outcome)
            if size < _BATCH:
                break
    outcome.held = len(held)
    return outcome


def _post_batch(batch: list[Notification], session, outcome: PushOutcome) -> None:
    devices = defaultdict(list)
    for subscription in PushSubscription.objects.filter(
        user_id__in={n.recipient_id for n in batch}
    ):
        devices[subscription.user_id].append(subscription)
    gone, reached = set(), set()
    for notification in batch:
        for subscription in devices[notification.recipient_id]:
            if subscription.pk in gone or subscription.created_at > notification.created_at:
                continue
            status = _post(subscription, _payload(notification), session)
            if status is None:
                outcome.sent += 1
                reached.add(subscription.pk)
            elif status in GONE:
                gone.add(subscription.pk)
            else:
                outcome.failed += 1
    outcome.removed += PushSubscription.objects.filter(pk__in=gone).delete()[0]
    PushSubscription.objects.filter(pk__in=reached - gone).update(last_pushed_at=timezone.now())


def _payload(notification: Notification) -> str:
    """What the service worker shows (templates/dashboard/sw.js, the "push" event)."""
    return json.dumps(
        {
            "title": _("Cohort"),
            "body": notification.text,
            "url": f"/notifications/{notification.pk}/open/",
            "tag": f"notification-{notification.pk}",
        }
    )


def _post(subscription: PushSubscription, data: str, session) -> int | None:
    """Post one encrypted push; None when the service took it, else its status (0: none)."""
    try:
        webpush(
            subscription_info=subscription.as_info(),
            data=data,
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=_TTL_SECONDS,
            timeout=10,
            requests_session=session,
        )
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else 0
        if status not in GONE:
            logger.warning("push to subscription %s refused: %s", subscription.pk, status)
        return status
    except (requests.RequestException, ValueError) as exc:
        logger.warning("push to subscription %s failed: %r", subscription.pk, exc)
        return 0
    return None
