"""Notifications by email, for members who asked: each one shortly after it is created, or
all of a day's in one digest. Turning email on sends only what arrives after: a kind is
mailed from when the member turned it on, and only notifications created since the site's
email backend first sent (EmailChannel) go out through it. A job claims due notifications
under row locks (SKIP LOCKED on PostgreSQL), sends them and marks them emailed in the same
transaction, so concurrent workers never send one twice.

Each message is sent on its own, so one bad message never stops the others: one the mail
server refuses for good (a 5xx answer) or that cannot be built is marked failed with its
reason and never retried; one refused for now (4xx) stays due for the next run. A failure
of the connection itself stops the run: what was sent is marked emailed, the rest stays
due, and the error is raised (delivery is at least once, and nothing sent is re-sent)."""

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from cohort.accounts.models import User
from cohort.accounts.services.invites import invite_token_create
from cohort.core.i18n import in_language
from cohort.notifications.models import EmailChannel, Notification

logger = logging.getLogger(__name__)

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
        email_failed_at__isnull=True,
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
    sent, deferred = 0, set()
    while True:
        with transaction.atomic():
            due = _claim(_wanted(digest=False).exclude(pk__in=deferred))
            if not due:
                return sent
            outcome = _deliver([(_single(n), [n]) for n in due])
        sent += outcome.sent
        deferred.update(outcome.deferred)
        if outcome.stopped is not None:
            raise outcome.stopped


def notification_digests_send() -> int:
    """One email per member who takes the daily digest, listing their due notifications.
    Returns how many digests were sent."""
    sent, deferred = 0, set()
    while True:
        # A batch of whole members, so nobody gets two digests in one run.
        wanted = _wanted(digest=True).exclude(pk__in=deferred)
        members = wanted.values_list("recipient_id", flat=True).order_by("recipient_id")
        members = list(members.distinct()[: _BATCH // 10])
        with transaction.atomic():
            due = _claim(wanted.filter(recipient_id__in=members), limit=None)
            if not due:
                return sent
            by_member = defaultdict(list)
            for n in due:
                by_member[n.recipient].append(n)
            outcome = _deliver([(_digest(m, items), items) for m, items in by_member.items()])
        sent += outcome.sent
        deferred.update(outcome.deferred)
        if outcome.stopped is not None:
            raise outcome.stopped


def one_line(text: str) -> str:
    """The text as one clean line for a header: every line break, tab or other control or
    separator character (CR, LF, U+2028...) becomes a space, runs of spaces one."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _single(n: Notification) -> EmailMessage:
    with in_language(n.recipient.language):
        subject = _("Cohort: %(text)s") % {"text": one_line(n.text)}
    return EmailMessage(
        subject=subject[:150],
        body=f"{n.text}\n\n{_absolute(n.link or '/notifications/')}\n",
        to=[n.recipient.email],
    )


@dataclass
class _Outcome:
    sent: int = 0
    deferred: list[int] = field(default_factory=list)  # refused for now: due next run
    stopped: Exception | None = None  # the connection failed: raise once committed


def _deliver(outgoing: list[tuple[EmailMessage, list[Notification]]]) -> _Outcome:
    """Send each message on one connection and mark its notifications emailed, or failed
    with the reason when the server refuses it for good (caller's transaction)."""
    outcome, sent_ids, failed = _Outcome(), [], defaultdict(list)
    connection = get_connection()
    try:
        connection.open()
        for message, notifications in outgoing:
            ids = [n.pk for n in notifications]
            try:
                connection.send_messages([message])
            except (ValueError, smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                reason = _refusal(exc)
                if reason is None:
                    outcome.deferred.extend(ids)
                else:
                    logger.warning("notification email failed for good: %s", reason)
                    failed[reason].extend(ids)
            else:
                outcome.sent += 1
                sent_ids.extend(ids)
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("notification emails stopped: %r", exc)
        outcome.stopped = exc
    finally:
        connection.close()
    now = timezone.now()
    Notification.objects.filter(pk__in=sent_ids).update(emailed_at=now)
    for reason, ids in failed.items():
        Notification.objects.filter(pk__in=ids).update(email_failed_at=now, email_error=reason)
    return outcome


def _refusal(exc: Exception) -> str | None:
    """Why this one message can never be sent, or None when the server refused it for now
    (a 4xx answer: try again on the next run)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
        if any(code < 500 for code, _ in answers):
            return None
        code, text = answers[0]
        reason = f"refused by the mail server: {code} {text.decode(errors='replace')}"
    elif isinstance(exc, smtplib.SMTPDataError):
        if exc.smtp_code < 500:
            return None
        reason = f"refused by the mail server: {exc.smtp_code} {_text(exc.smtp_error)}"
    else:  # the message cannot be built: a bad header, an address that cannot be encoded
        reason = f"cannot be sent: {exc}"
    return one_line(reason)[:200]


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _digest(member, items: list[Notification]) -> EmailMessage:
    lines = [f"- {one_line(n.text)} {_absolute(n.link)}".rstrip() for n in items]
    with in_language(member.language):
        body = (
            _("Hello %(name)s,") % {"name": member.display_name}
            + "\n\n"
            + _("What happened on Cohort:")
            + "\n\n"
            + "\n".join(lines)
            + "\n\n"
            + _("All your notifications: %(link)s") % {"link": _absolute("/notifications/")}
            + "\n"
        )
        subject = ngettext(
            "Cohort: your daily digest (%(count)s notification)",
            "Cohort: your daily digest (%(count)s notifications)",
            len(items),
        ) % {"count": len(items)}
    return EmailMessage(subject=subject, body=body, to=[member.email])


def _welcome(member, invite_url: str) -> EmailMessage:
    sign_in = _absolute(reverse("accounts:login"))
    body = gettext(
        "Hello %(name)s,\n\n"
        "You are a member of %(group)s on Cohort.\n\n"
        "How to sign in: go to %(sign_in)s and enter your email address (%(email)s) and "
        "your group's password. Your group leader or organiser gives you the password (it "
        "is on your group's sign-in sheet). Once signed in you can set a personal password "
        "on your profile.\n\n"
        "Your group's invite link, for anyone in your group who is not on Cohort yet (it "
        "works for %(days)s days, or until the group's password changes):\n%(invite)s\n"
    ) % {
        "name": member.display_name,
        "group": member.group.name,
        "sign_in": sign_in,
        "email": member.email,
        "invite": invite_url,
        "days": settings.INVITE_MAX_AGE_DAYS,
    }
    subject = gettext("Welcome to %(group)s on Cohort") % {"group": one_line(member.group.name)}
    return EmailMessage(subject=subject[:150], body=body, to=[member.email])


def welcome_emails_send(*, user_ids: list[int]) -> int:
    """One welcome email to each of these members still in a group: their group's invite
    link and how to sign in. Each is sent on its own, so one refused address never stops
    the others (it is logged); a failed connection raises, for the task to retry. Returns
    how many were sent."""
    members = list(
        User.objects.filter(pk__in=user_ids, is_active=True, group__isnull=False)
        .select_related("group")
        .order_by("pk")
    )
    invites: dict[int, str] = {}
    sent = 0
    with get_connection() as connection:
        for member in members:
            if member.group_id not in invites:
                token = invite_token_create(group=member.group)
                invites[member.group_id] = _absolute(reverse("accounts:join", args=[token]))
            try:
                connection.send_messages([_welcome(member, invites[member.group_id])])
            except (ValueError, smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                logger.warning("welcome email to user %s not sent: %r", member.pk, exc)
            else:
                sent += 1
    return sent
