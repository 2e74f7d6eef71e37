from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from cohort.accounts.auth import token_or_session
from cohort.core.http import client_ip
from cohort.core.pagination import CursorPagination
from cohort.messaging.models import Announcement
from cohort.messaging.schemas import (
    AnnouncementIn,
    AnnouncementOut,
    MessageIn,
    MessageOut,
    ReadOut,
    ThreadDetailOut,
    ThreadOut,
    ThreadStartIn,
)
from cohort.messaging.selectors import (
    announcement_get_for_viewer,
    announcements_for_viewer,
    thread_get_for_viewer,
    thread_messages,
    threads_for_viewer,
)
from cohort.messaging.services import (
    AnnouncementDraft,
    announcement_create,
    announcement_mark_read,
    announcement_publish,
    message_send,
    thread_open,
    thread_start,
)

router = Router(tags=["messaging"], auth=token_or_session)

PAGE_SIZE = 20
ANNOUNCEMENT_ORDER = ("-priority", "-published_at", "-id")
THREAD_ORDER = ("-last_message_at", "-id")


@router.get("/announcements", response=list[AnnouncementOut], summary="The viewer's")
@paginate(CursorPagination, ordering=ANNOUNCEMENT_ORDER, page_size=PAGE_SIZE, max_page_size=100)
def list_announcements(request: HttpRequest):
    """Published, unexpired ones to the viewer's group, division or everyone, and the
    viewer's own drafts; high priority first, then newest; each with the viewer's read_at."""
    return announcements_for_viewer(request.user)


@router.post("/announcements", response={201: AnnouncementOut}, summary="Post (staff)")
def create_announcement(request: HttpRequest, payload: AnnouncementIn):
    """Mentors to `group_ids` they mentor, coordinators to their `division_id` (or its
    groups), organisers to anyone or `everyone`. A draft unless `publish` is true."""
    data = payload.dict(exclude={"publish"})
    data["priority"] = Announcement.Priority[data["priority"].upper()]
    created = announcement_create(
        author=request.user, draft=AnnouncementDraft(**data), publish=payload.publish
    )
    return Status(201, announcement_get_for_viewer(request.user, created.pk))


@router.post(
    "/announcements/{int:announcement_id}/publish", response=AnnouncementOut, summary="Publish"
)
def publish_announcement(request: HttpRequest, announcement_id: int):
    """Publishes the viewer's draft and notifies its audience once; again is a no-op."""
    announcement_publish(actor=request.user, announcement_id=announcement_id)
    return announcement_get_for_viewer(request.user, announcement_id)


@router.post("/announcements/{int:announcement_id}/read", response=ReadOut, summary="Mark read")
def read_announcement(request: HttpRequest, announcement_id: int):
    read_at = announcement_mark_read(user=request.user, announcement_id=announcement_id)
    return {"id": announcement_id, "read_at": read_at}


@router.get("/messages/threads", response=list[ThreadOut], summary="The viewer's threads")
@paginate(CursorPagination, ordering=THREAD_ORDER, page_size=PAGE_SIZE, max_page_size=100)
def list_threads(request: HttpRequest):
    """Most recent conversation first, each with the viewer's unread count."""
    return threads_for_viewer(request.user)


@router.post("/messages/threads", response={200: ThreadOut, 201: ThreadOut}, summary="Start")
def start_thread(request: HttpRequest, payload: ThreadStartIn):
    """With a mentor of the viewer's group, or a student of a group the viewer mentors
    (404 otherwise); 201 when new, 200 with the existing thread."""
    thread, created = thread_start(viewer=request.user, other_id=payload.user_id)
    return Status(201 if created else 200, thread)


@router.get("/messages/threads/{int:thread_id}", response=ThreadDetailOut, summary="Read")
def get_thread(request: HttpRequest, thread_id: int):
    """The two people and the latest messages; marks them read. Organisers may read any
    thread, and each such read is audited; anyone else gets 404."""
    thread = thread_get_for_viewer(request.user, thread_id)
    messages = thread_messages(thread)
    last_id = messages[-1].pk if messages else None
    thread_open(viewer=request.user, thread=thread, last_message_id=last_id, ip=client_ip(request))
    return {
        "id": thread.pk,
        "mentor": thread.mentor,
        "student": thread.student,
        "messages": messages,
    }


@router.post("/messages/threads/{int:thread_id}", response={201: MessageOut}, summary="Send")
def send_message(request: HttpRequest, thread_id: int, payload: MessageIn):
    """Only the thread's two people may send (404 otherwise)."""
    thread = thread_get_for_viewer(request.user, thread_id)
    return Status(201, message_send(sender=request.user, thread=thread, text=payload.text))
