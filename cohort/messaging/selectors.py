"""Reads of announcements (what a viewer may see, with their read state) and of message
threads (the viewer's, with unread counts)."""

import datetime as dt
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cohort.accounts import permissions
from cohort.accounts.models import Group, User
from cohort.core.exceptions import NotFound
from cohort.messaging.models import Announcement, AnnouncementRead, Message, Thread

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ViewerRead(TypedDict):
    read_at: dt.datetime | None  # when the viewer read the announcement


# The thread page shows this many of the latest messages.
MESSAGES_SHOWN = 200


def _audience_q(viewer: User) -> Q:
    """Announcements addressed to a group the viewer may see, to its division, or to all."""
    if permissions.may_see_all_groups(viewer):
        return Q()
    groups = Group.objects.for_viewer(viewer)
    addressed = Announcement.groups.through.objects.filter(
        announcement_id=OuterRef("pk"), group__in=groups
    )
    division_ids = groups.exclude(division=None).values("division_id")
    audience = Q(audience=Announcement.Audience.EVERYONE)
    audience |= Q(audience=Announcement.Audience.DIVISION, division_id__in=division_ids)
    if permissions.is_coordinator(viewer) and viewer.division_id:
        audience |= Q(audience=Announcement.Audience.DIVISION, division_id=viewer.division_id)
    return audience | Q(Exists(addressed), audience=Announcement.Audience.GROUPS)


def announcements_for_viewer(
    viewer: User,
) -> "QuerySet[WithAnnotations[Announcement, ViewerRead]]":
    """Published, unexpired announcements to the viewer's group, division or everyone (all
    of them for organisers), plus the viewer's own drafts; each with `read_at` (the
    viewer's, or None) and its author. High priority first, then newest; one query."""
    read_at = AnnouncementRead.objects.filter(
        announcement_id=OuterRef("pk"), user_id=viewer.pk
    ).values("read_at")[:1]
    announcements = Announcement.objects.annotate(read_at=Subquery(read_at))
    if not viewer.is_authenticated or not viewer.is_active:
        return announcements.none()
    now = timezone.now()
    live = Q(status=Announcement.Status.PUBLISHED) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    return (
        announcements.filter((live & _audience_q(viewer)) | Q(author_id=viewer.pk))
        .select_related("author", "division")
        .order_by("-priority", "-published_at", "-id")
    )


def announcement_get_for_viewer(
    viewer: User, announcement_id: int
) -> "WithAnnotations[Announcement, ViewerRead]":
    """One announcement the viewer may see (see announcements_for_viewer); 404 otherwise."""
    found = announcements_for_viewer(viewer).filter(pk=announcement_id).first()
    if found is None:
        raise NotFound(_("No such announcement."))
    return found


def announcement_groups_postable(viewer: User) -> QuerySet[Group]:
    """The groups the viewer may address: organisers all, coordinators their division's,
    mentors those they mentor, members none."""
    if not permissions.may_post_announcements(viewer):
        return Group.objects.none()
    return Group.objects.for_viewer(viewer).only("id", "name")


def threads_for_viewer(viewer: User) -> QuerySet[Thread]:
    """The threads the viewer takes part in, with both people and `unread_count` (the
    other side's messages after the viewer's last-read marker); one query."""
    my_marker = Case(
        When(mentor_id=viewer.pk, then=F("mentor_last_read_id")),
        default=F("student_last_read_id"),
    )
    unread = (
        Message.objects.filter(thread_id=OuterRef("pk"), id__gt=OuterRef("my_last_read_id"))
        .exclude(sender_id=viewer.pk)
        .order_by()
        .values("thread_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Thread.objects.for_participant(viewer)
        .select_related("mentor", "student")
        .annotate(my_last_read_id=my_marker)
        .annotate(unread_count=Coalesce(Subquery(unread), 0))
        .order_by("-last_message_at", "-id")
    )


def thread_get_for_viewer(viewer: User, thread_id: int) -> Thread:
    """A thread the viewer may open as one of its people (a mentor only while they mentor
    the student's group: Thread.objects.for_participant), or any thread for an organiser
    (whose read the caller audits); 404 for everyone else. With `is_current`."""
    threads = Thread.objects.select_related("mentor", "student")
    if permissions.may_read_any_thread(viewer):
        threads = threads.with_is_current()
    else:
        threads = threads.for_participant(viewer)
    found = threads.filter(pk=thread_id).first()
    if found is None:
        raise NotFound(_("No such conversation."))
    return found


def thread_messages(thread: Thread) -> list[Message]:
    """The thread's latest MESSAGES_SHOWN messages, oldest first, with their senders."""
    latest = Message.objects.filter(thread=thread).select_related("sender").order_by("-id")
    return list(reversed(latest[:MESSAGES_SHOWN]))


def thread_partners(viewer: User) -> QuerySet[User]:
    """Whom the viewer may start a thread with: a member's group's mentors, a mentor's
    students (members of the groups they mentor); nobody for other roles."""
    if permissions.is_member(viewer) and viewer.group_id:
        return User.objects.filter(
            role=User.Role.MENTOR, is_active=True, mentored_groups=viewer.group_id
        )
    if permissions.is_mentor(viewer):
        return User.objects.filter(
            role=User.Role.MEMBER, is_active=True, group__mentors=viewer
        ).distinct()
    return User.objects.none()
