"""Notifications by email, for members who asked: each one shortly after it is created, or
all of a day's in one digest. Turning email on sends only what arrives after: a kind is
mailed from when the member turned it on, and only notifications created since the site's
email backend first sent (EmailChannel) go out through it. A job claims due notifications
under row locks (SKIP LOCKED on PostgreSQL), sends them and marks them emailed in the same
transaction, so concurrent workers never send one twice. A send that fails part-way rolls
the batch back; it is retried on the next run (delivery is at least once)."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cohort.notifications.models import EmailChannel, Notification

_BATCH = 500
_MAX_AGE = dt.timedelta(days=2)  # older unsent ones (preferences changed since) stay unsent


def _wanted(*, digest: bool):
    """Unread, unsent notifications of a kind the recipient wants by email, either right
    away (digest False) or in the digest (digest True), created since they turned that
    kind on and since the site's email backend started."""
    pref = "recipient__notification_preference__"
    since = max(timezone.now() - _MAX_AGE, email_channel_start())
    return Notification.objects.filter(
        _kind_on(Notification.Kind.DASHBOARD, f"{pref}email_dashboard")
        | _kind_on(Notification.Kind.PROFILE, f"{pref}email_profile"),
        emailed_at__isnull=True,
        read_at__isnull=True,
        created_at__gte=since,
        recipient__is_active=True,
        **{f"{pref}daily_digest": digest},
    )


def _kind_on(kind: str, field: str) -> Q:
    """Notifications of `kind` whose recipient has `field` on, created since it was."""
    since = f"{field}_since"
    return Q(kind=kind, **{field: True}) & (
        Q(**{f"{since}__isnull": True}) | Q(created_at__gte=F(since))
    )


def email_channel_start() -> dt.datetime:
    """When the email backend in use first sent (now, the first time it is asked)."""
    channel, _ = EmailChannel.objects.get_or_create(
        backend=settings.EMAIL_BACKEND[:200], defaults={"started_at": timezone.now()}
    )
    return channel.started_at


def _absolute(link: str) -> str:
    return settings.SITE_URL.rstrip("/") + link if link.startswith("/") else link


def _claim(queryset, limit: int | None = _BATCH) -> list[Notification]:
    """Caller is in a transaction."""
    locked = queryset.select_for_update(skip_locked=True, of=("self",))
    return list(locked.select_related("recipient").order_by("id")[:limit])


def notification_emails_send() -> int:
    """Email each due notification on its own. Returns how many were sent."""
    sent = 0
    while True:
        with transaction.atomic():
            due = _claim(_wanted(digest=False))
            if not due:
                return sent
            messages = [
                EmailMessage(
                    subject=f"Cohort: {n.text}"[:150],
                    body=f"{n.text}\n\n{_absolute(n.link or '/notifications/')}\n",
                    to=[n.recipient.email],
                )
                for n in due
            ]
            _deliver(messages, due)
            sent += len(due)


def notification_digests_send() -> int:
    """One email per member who takes the daily digest, listing their due notifications.
    Returns how many digests were sent."""
    sent = 0
    while True:
        # A batch of whole members, so nobody gets two digests in one run.
        wanted = _wanted(digest=True)
        members = wanted.values_list("recipient_id", flat=True).order_by("recipient_id")
        members = list(members.distinct()[: _BATCH // 10])
        with transaction.atomic():
            due = _claim(wanted.filter(recipient_id__in=members), limit=None)
            if not due:
                return sent
            by_member = defaultdict(list)
            for n in due:
                by_member[n.recipient].append(n)
            messages = [_digest(member, items) for member, items in by_member.items()]
            _deliver(messages, due)
            sent += len(messages)


def _deliver(messages: list[EmailMessage], notifications: list[Notification]) -> None:
    """Send on one connection and mark the claimed notifications emailed (caller's
    transaction: a failed send leaves them due)."""
    get_connection().send_messages(messages)
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        emailed_at=timezone.now()
    )


def _digest(member, items: list[Notification]) -> EmailMessage:
    lines = [f"- {n.text} {_absolute(n.link)}".rstrip() for n in items]
    body = (
        f"Hello {member.display_name},\n\nWhat happened on Cohort:\n\n"
        + "\n".join(lines)
        + f"\n\nAll your notifications: {_absolute('/notifications/')}\n"
    )
    count = f"{len(items)} notification{'s' if len(items) != 1 else ''}"
    return EmailMessage(
        subject=f"Cohort: your daily digest ({count})", body=body, to=[member.email]
    )
