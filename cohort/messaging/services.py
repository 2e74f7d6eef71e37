"""Writes of announcements (draft, publish with one bulk notification, mark read) and of
mentor-student threads (start, send, open)."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cohort.accounts import permissions
from cohort.accounts.models import Division, User
from cohort.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from cohort.core.i18n import sql_message
from cohort.core.ratelimit import rate_limit_hit
from cohort.messaging.models import Announcement, AnnouncementRead, Message, Thread
from cohort.messaging.selectors import (
    announcement_get_for_viewer,
    announcement_groups_postable,
    thread_partners,
)
from cohort.notifications.services import (
    NotificationDraft,
    notifications_create,
    notifications_create_from_query,
    notifications_mark_read_for_keys,
)
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

ANNOUNCEMENTS_LINK = "/announcements/"
TEXT_MAX = 5000
TITLE_MAX = 150


@dataclass(frozen=True)
class AnnouncementDraft:
    title: str
    text: str
    audience: str
    group_ids: list[int] = field(default_factory=list)
    division_id: int | None = None
    priority: int = Announcement.Priority.NORMAL
    event_on: dt.date | None = None
    expires_at: dt.datetime | None = None


def announcement_create(
    *, author: User, draft: AnnouncementDraft, publish: bool = False
) -> Announcement:
    """Save a draft addressed to groups the author mentors or (coordinators) looks after,
    a division (its coordinator or an organiser) or everyone (organisers): members 403,
    another's group or division 404 (everyone: 403), bad fields 422; `publish` publishes."""
    if not permissions.may_post_announcements(author):
        raise PermissionDenied(_("Only mentors, coordinators and organisers post announcements."))
    rate_limit_hit(
        action="announcement-post",
        user_id=author.pk,
        rate=settings.ANNOUNCEMENTS_PER_AUTHOR,
        detail=_("You have posted many announcements in a short time; wait a while."),
    )
    title, text = _announcement_text_validate(draft)
    groups, division = _audience_resolve(author=author, draft=draft)
    with transaction.atomic():
        announcement = Announcement.objects.create(
            author=author,
            audience=draft.audience,
            division=division,
            title=title,
            text=text,
            priority=draft.priority,
            event_on=draft.event_on,
            expires_at=draft.expires_at,
        )
        announcement.groups.set(groups)
        if publish:
            announcement = announcement_publish(actor=author, announcement_id=announcement.pk)
    return announcement


def _announcement_text_validate(draft: AnnouncementDraft) -> tuple[str, str]:
    title, text = (draft.title or "").strip(), (draft.text or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise InvalidInput(
            _("Give a title of at most %(title_max)s characters.") % {"title_max": TITLE_MAX}
        )
    if not text or len(text) > TEXT_MAX:
        raise InvalidInput(
            _("Write the announcement in at most %(text_max)s characters.") % {"text_max": TEXT_MAX}
        )
    if draft.priority not in Announcement.Priority.values:
        raise InvalidInput(_("Priority is 'normal' or 'high'."))
    if draft.expires_at is not None and draft.expires_at <= timezone.now():
        raise InvalidInput(_("The expiry must be in the future."))
    return title, text


def _audience_resolve(*, author: User, draft: AnnouncementDraft):
    """(groups, division) of the draft's audience, if the author may address it."""
    if draft.audience == Announcement.Audience.EVERYONE:
        if not permissions.may_address_everyone(author):
            raise PermissionDenied(_("Only organisers post to everyone."))
        return [], None
    if draft.audience == Announcement.Audience.DIVISION:
        allowed = permissions.may_address_division(author, draft.division_id)
        division = None
        if allowed and draft.division_id:
            division = Division.objects.filter(pk=draft.division_id).first()
        if division is None:
            raise NotFound(_("No such division among yours."))
        return [], division
    if draft.audience == Announcement.Audience.GROUPS:
        wanted = set(draft.group_ids)
        if not wanted or len(wanted) > 1000:
            raise InvalidInput(_("Choose at least one group."))
        groups = list(announcement_groups_postable(author).filter(pk__in=wanted))
        if len(groups) != len(wanted):
            raise NotFound(_("No such group among yours."))
        return groups, None
    raise InvalidInput(_("The audience is 'groups', 'division' or 'everyone'."))


def announcement_publish(*, actor: User, announcement_id: int) -> Announcement:
    """Publish the actor's own draft (organisers: anyone's; others' 404) and notify its
    audience's members in one INSERT ... SELECT. Idempotent: publishing again changes
    nothing and notifies nobody twice (one dedupe key per announcement); expired 409."""
    with transaction.atomic():
        editable = Announcement.objects.select_for_update().filter(pk=announcement_id)
        if not permissions.may_publish_any_announcement(actor):
            editable = editable.filter(author_id=actor.pk)
        announcement = editable.first()
        if announcement is None:
            raise NotFound(_("No such announcement among yours."))
        if announcement.is_published:
            return announcement
        if announcement.expires_at is not None and announcement.expires_at <= timezone.now():
            raise Conflict(_("This announcement has already expired."))
        announcement.status = Announcement.Status.PUBLISHED
        announcement.published_at = timezone.now()
        announcement.save(update_fields=["status", "published_at", "updated_at"])
        _audience_notify(announcement)
    return announcement


# (recipient_id, text, link, dedupe_key) for each recipient of the ORM-built `recipients`.
_NOTICE_SQL = (
    "SELECT r.id, {text}, CAST(%s AS VARCHAR(200)), CAST(%s AS VARCHAR(100)) FROM ({recipients}) r"
)


def _audience_notify(announcement: Announcement) -> int:
    """One notification per active member of the audience, in one statement."""
    members = User.objects.filter(is_active=True, role=User.Role.MEMBER)
    if announcement.audience == Announcement.Audience.GROUPS:
        addressed = Announcement.groups.through.objects.filter(announcement_id=announcement.pk)
        members = members.filter(group_id__in=addressed.values("group_id"))
    elif announcement.audience == Announcement.Audience.DIVISION:
        members = members.filter(group__division_id=announcement.division_id)
    recipients, params = members.order_by().values("id", "language").query.sql_with_params()
    title = announcement.title[:280]
    text, text_params = (
        sql_message(gettext_noop("Important: %(title)s"), language_column="r.language", title=title)
        if announcement.priority == Announcement.Priority.HIGH
        else ("CAST(%s AS VARCHAR(300))", [title])
    )
    return notifications_create_from_query(
        select_sql=_NOTICE_SQL.format(recipients=recipients, text=text),
        params=[
            *text_params,
            ANNOUNCEMENTS_LINK,
            f"announcement:{announcement.pk}",
            *params,
        ],
    )


def announcement_mark_read(*, user: User, announcement_id: int) -> dt.datetime:
    """Mark an announcement the user may see as read (404 otherwise); marking again keeps
    the first time. Returns when it was read."""
    announcement = announcement_get_for_viewer(user, announcement_id)
    if announcement.read_at is not None:
        return announcement.read_at
    AnnouncementRead.objects.bulk_create(
        [AnnouncementRead(announcement_id=announcement.pk, user_id=user.pk)],
        ignore_conflicts=True,
    )
    return AnnouncementRead.objects.get(announcement_id=announcement.pk, user_id=user.pk).read_at


def thread_start(*, viewer: User, other_id: int) -> tuple[Thread, bool]:
    """The thread between the viewer and `other_id`, made if new: a member with a mentor
    of their group, or a mentor with a member of a group they mentor; 404 for any other
    pair. Returns (thread, created); safe when both start it at once (unique pair)."""
    other = thread_partners(viewer).filter(pk=other_id).first()
    if other is None:
        raise NotFound(_("No such mentor or student of yours."))
    if permissions.is_mentor(viewer):
        mentor, student = viewer, other
    else:
        mentor, student = other, viewer
    return Thread.objects.get_or_create(mentor=mentor, student=student)


def _thread_link(thread: Thread) -> str:
    return f"/messages/{thread.pk}/"


def _message_key(message_id: int) -> str:
    """The dedupe key of a message's notification: one per message."""
    return f"message:{message_id}"


def _message_keys(thread: Thread, *, upto_id: int):
    """The notification keys of the thread's messages up to `upto_id` (a subquery): the
    ones the reader has now seen, not one that arrived after the page was read."""
    return (
        Message.objects.filter(thread_id=thread.pk, pk__lte=upto_id)
        .annotate(key=Concat(Value("message:"), Cast("id", CharField())))
        .values("key")
    )


def _marker_field(thread: Thread, user: User) -> str:
    return "mentor_last_read_id" if user.pk == thread.mentor_id else "student_last_read_id"


def message_send(*, sender: User, thread: Thread, text: str) -> Message:
    """Add a message from one of the thread's two people while the mentor mentors the
    student's group (a former mentor, or anyone else, 404; the student 403; empty or longer
    than TEXT_MAX 422); it counts as read by the sender and notifies the other side once."""
    if not thread.is_participant(sender):
        raise NotFound(_("No such conversation."))
    current = Thread.objects.with_is_current()
    # django-stubs cannot see the annotation a custom QuerySet method adds.
    if not current.filter(pk=thread.pk, is_current=True).exists():  # type: ignore[misc]
        if sender.pk == thread.mentor_id:
            raise NotFound(_("No such conversation."))
        raise PermissionDenied(
            _(
                "Your mentor no longer mentors your group: this conversation is kept for you to "
                "read, but no longer takes messages."
            )
        )
    rate_limit_hit(
        action="message-send",
        user_id=sender.pk,
        rate=settings.MESSAGES_PER_SENDER,
        detail=_("You are sending messages too fast; wait a minute."),
    )
    text = (text or "").strip()
    if not text or len(text) > TEXT_MAX:
        raise InvalidInput(
            _("Write a message of at most %(text_max)s characters.") % {"text_max": TEXT_MAX}
        )
    with transaction.atomic():
        message = Message.objects.create(thread=thread, sender=sender, text=text)
        marker = _marker_field(thread, sender)
        Thread.objects.filter(pk=thread.pk).update(
            last_message_at=message.created_at, **{marker: Greatest(F(marker), message.pk)}
        )
        other_id = thread.student_id if sender.pk == thread.mentor_id else thread.mentor_id
        notifications_create(
            drafts=[
                NotificationDraft(
                    recipient_id=other_id,
                    text=f"{sender.display_name}: {text}"[:300],
                    link=_thread_link(thread),
                    dedupe_key=_message_key(message.pk),
                )
            ]
        )
    return message


def thread_open(
    *, viewer: User, thread: Thread, last_message_id: int | None, ip: str | None = None
) -> None:
    """Record that the viewer read the thread up to `last_message_id`: a participant's
    marker moves forward (never back) and their notifications of it are read; an
    organiser's read of others' thread is audited."""
    if thread.is_participant(viewer):
        if last_message_id:
            marker = _marker_field(thread, viewer)
            Thread.objects.filter(pk=thread.pk).update(
                **{marker: Greatest(F(marker), last_message_id)}
            )
            notifications_mark_read_for_keys(
                user_id=viewer.pk, dedupe_keys=_message_keys(thread, upto_id=last_message_id)
            )
        return
    if not permissions.may_read_any_thread(viewer):
        raise NotFound(_("No such conversation."))
    audit_record(
        action=AuditEvent.Action.MESSAGE_READ_BY_ORGANISER,
        actor=viewer,
        ip=ip,
        target=thread,
        mentor_id=thread.mentor_id,
        student_id=thread.student_id,
    )
