"""Access to a mentor-student thread follows the current mentoring relationship: a mentor
unassigned from the student's group can no longer read or write it (404); the student
keeps their history to read, but cannot write to someone who no longer mentors them."""

import pytest

from cohort.accounts.tests.factories import GroupFactory
from cohort.core.exceptions import NotFound, PermissionDenied
from cohort.messaging.models import Message
from cohort.messaging.services import message_send
from cohort.messaging.tests.factories import MessageFactory, ThreadFactory, mentor_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/messages/threads"


@pytest.fixture
def thread(member, group):
    mentor = mentor_of(group)
    thread = ThreadFactory(mentor=mentor, student=member)
    MessageFactory(thread=thread, sender=member, text="Can you look at my essay?")
    MessageFactory(thread=thread, sender=mentor, text="Send it over.")
    return thread


def _unassign(thread):
    thread.student.group.mentors.remove(thread.mentor)


def _send(client, thread, text="Still there?"):
    return client.post(f"{URL}/{thread.pk}", {"text": text}, content_type="application/json")


def test_an_unassigned_mentor_can_no_longer_read_or_write_the_thread(signed_in, thread):
    _unassign(thread)
    client = signed_in(thread.mentor)
    assert client.get(URL).json()["results"] == []
    assert client.get(f"{URL}/{thread.pk}").status_code == 404
    response = _send(client, thread)
    assert response.status_code == 404 and "detail" in response.json()
    assert client.get(f"/messages/{thread.pk}/").status_code == 404
    assert client.post(f"/messages/{thread.pk}/", {"text": "Hi"}).status_code == 404
    with pytest.raises(NotFound):
        message_send(sender=thread.mentor, thread=thread, text="Hi")
    assert Message.objects.filter(thread=thread).count() == 2


def test_a_mentor_whose_student_moved_group_loses_the_thread(signed_in, thread):
    type(thread.student).objects.filter(pk=thread.student_id).update(group=GroupFactory())
    client = signed_in(thread.mentor)
    assert client.get(f"{URL}/{thread.pk}").status_code == 404


def test_the_student_keeps_their_history_but_cannot_write_to_a_former_mentor(signed_in, thread):
    _unassign(thread)
    client = signed_in(thread.student)
    assert [t["id"] for t in client.get(URL).json()["results"]] == [thread.pk]
    texts = [m["text"] for m in client.get(f"{URL}/{thread.pk}").json()["messages"]]
    assert texts == ["Can you look at my essay?", "Send it over."]
    response = _send(client, thread)
    assert response.status_code == 403 and "no longer" in response.json()["detail"]
    page = client.get(f"/messages/{thread.pk}/")
    assert page.status_code == 200 and b"Send it over." in page.content
    assert b'name="text"' not in page.content  # no form to write with
    posted = client.post(f"/messages/{thread.pk}/", {"text": "Hello?"})
    assert posted.status_code == 403
    with pytest.raises(PermissionDenied):
        message_send(sender=thread.student, thread=thread, text="Hi")
    assert Message.objects.filter(thread=thread).count() == 2


def test_a_mentor_assigned_again_gets_the_thread_back(signed_in, thread):
    _unassign(thread)
    thread.student.group.mentors.add(thread.mentor)
    client = signed_in(thread.mentor)
    assert client.get(f"{URL}/{thread.pk}").status_code == 200
    assert _send(client, thread).status_code == 201
