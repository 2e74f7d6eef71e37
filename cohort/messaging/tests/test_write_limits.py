"""Messages and announcements are limited per person (MESSAGES_PER_SENDER,
ANNOUNCEMENTS_PER_AUTHOR): beyond the limit the API answers 429 {"detail"} with
Retry-After, and the page shows the refusal on its form, keeping what was typed."""

import pytest

from cohort.messaging.models import Announcement, Message
from cohort.messaging.tests.factories import ThreadFactory, mentor_of
from cohort.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(member, group):
    return ThreadFactory(mentor=mentor_of(group), student=member)


def _send(client, thread, text):
    return client.post(
        f"/api/v1/messages/threads/{thread.pk}", {"text": text}, content_type="application/json"
    )


def test_messages_beyond_the_limit_are_429_with_retry_after(signed_in, settings, thread):
    settings.MESSAGES_PER_SENDER = "2/m"
    client = signed_in(thread.student)
    statuses = [_send(client, thread, f"Hi {n}").status_code for n in range(3)]
    assert statuses == [201, 201, 429]
    refused = _send(client, thread, "Hi again")
    assert "detail" in refused.json() and int(refused["Retry-After"]) >= 1
    assert Message.objects.filter(thread=thread).count() == 2
    assert Notification.objects.filter(recipient=thread.mentor).count() == 2
    # The mentor's own budget is theirs.
    assert _send(signed_in(thread.mentor), thread, "Hello").status_code == 201


def test_the_thread_page_and_the_api_share_the_limit(signed_in, settings, thread):
    settings.MESSAGES_PER_SENDER = "1/m"
    client = signed_in(thread.student)
    assert _send(client, thread, "First").status_code == 201
    page = client.post(f"/messages/{thread.pk}/", {"text": "My long question"})
    assert page.status_code == 429 and int(page["Retry-After"]) >= 1
    html = page.content.decode()
    assert "too fast" in html and "My long question" in html  # the error, and what was typed
    assert Message.objects.filter(thread=thread).count() == 1


def _announcement(group, title="Walk on Sunday"):
    return {"title": title, "text": "Meet at nine", "audience": "groups", "group_ids": [group.pk]}


def test_announcements_beyond_the_limit_are_429_with_retry_after(signed_in, settings, group):
    settings.ANNOUNCEMENTS_PER_AUTHOR = "2/h"
    client = signed_in(mentor_of(group))
    statuses = [
        client.post("/api/v1/announcements", _announcement(group), content_type="application/json")
        for _ in range(3)
    ]
    assert [r.status_code for r in statuses] == [201, 201, 429]
    assert "detail" in statuses[2].json() and int(statuses[2]["Retry-After"]) >= 1
    assert Announcement.objects.count() == 2


def test_the_announcement_page_keeps_the_form_when_limited(signed_in, settings, group):
    settings.ANNOUNCEMENTS_PER_AUTHOR = "1/h"
    client = signed_in(mentor_of(group))
    form = {"title": "Review day", "text": "Bring work", "audience": "groups", "priority": 0}
    assert client.post("/announcements/new/", {**form, "groups": [group.pk]}).status_code == 302
    form["title"] = "Second review day"
    page = client.post("/announcements/new/", {**form, "groups": [group.pk]})
    assert page.status_code == 429 and int(page["Retry-After"]) >= 1
    html = page.content.decode()
    assert "many announcements" in html and 'value="Second review day"' in html
    assert Announcement.objects.count() == 1
