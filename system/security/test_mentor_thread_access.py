"""Item 11: a mentor unassigned from a group loses its message threads (read and write,
API and page: 404), while the student keeps their history to read (and cannot write to
someone who no longer mentors them: 403)."""

import pytest

from cohort.messaging.models import Message
from system.security.conftest import client_for

pytestmark = pytest.mark.django_db


def test_an_unassigned_mentor_neither_reads_nor_writes_the_thread(world):
    side = world.a
    side.group.mentors.remove(side.mentor)
    former = client_for(side.mentor)
    url = f"/api/v1/messages/threads/{side.thread.pk}"
    assert former.get("/api/v1/messages/threads").json()["results"] == []
    assert former.get(url).status_code == 404
    sent = former.post(url, {"text": "Still here"}, content_type="application/json")
    assert sent.status_code == 404 and "detail" in sent.json()
    assert former.get(f"/messages/{side.thread.pk}/").status_code == 404
    assert former.post(f"/messages/{side.thread.pk}/", {"text": "Hi"}).status_code == 404

    student = client_for(side.leader)
    history = student.get(url)
    assert (
        history.status_code == 200 and history.json()["messages"][0]["text"] == "Hello from Alpha"
    )
    refused = student.post(url, {"text": "Anyone?"}, content_type="application/json")
    assert refused.status_code == 403
    assert Message.objects.filter(thread=side.thread).count() == 1
