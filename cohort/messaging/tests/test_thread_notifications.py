"""Reading a thread marks its message notifications read (page and API), and only those:
the cached unread count stays exact."""

import pytest

from cohort.accounts.tests.factories import MemberFactory
from cohort.messaging.services import message_send
from cohort.messaging.tests.factories import ThreadFactory
from cohort.notifications.models import Notification
from cohort.notifications.services import NotificationDraft, notifications_create
from cohort.notifications.unread import unread_count_get

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def thread():
    return ThreadFactory()


def _unread(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@pytest.mark.parametrize("url", ["/messages/{}/", "/api/v1/messages/threads/{}"])
def test_opening_a_thread_reads_its_notifications(signed_in, thread, url):
    message_send(sender=thread.student, thread=thread, text="Question one")
    message_send(sender=thread.student, thread=thread, text="Question two")
    other = ThreadFactory(student=MemberFactory(group=thread.student.group), mentor=thread.mentor)
    message_send(sender=other.student, thread=other, text="Elsewhere")
    notifications_create(drafts=[NotificationDraft(thread.mentor.pk, "A milestone", "/map/")])
    mentor = thread.mentor
    assert unread_count_get(user_id=mentor.pk) == 4
    assert signed_in(mentor).get(url.format(thread.pk)).status_code == 200
    assert _unread(mentor) == 2  # the other thread's message and the milestone
    assert unread_count_get(user_id=mentor.pk) == 2


def test_the_sender_keeps_their_own_notifications(signed_in, thread):
    message_send(sender=thread.mentor, thread=thread, text="How is it going?")
    signed_in(thread.mentor).get(f"/messages/{thread.pk}/")
    assert _unread(thread.student) == 1
    signed_in(thread.student).get(f"/messages/{thread.pk}/")
    assert _unread(thread.student) == 0
    assert unread_count_get(user_id=thread.student.pk) == 0
