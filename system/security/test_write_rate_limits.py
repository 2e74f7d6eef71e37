"""Item 12: with the default settings, a flood of messages, submissions or announcements
from one person is cut off with 429 {"detail"} and Retry-After, and stops notifying."""

import pytest
from django.conf import settings

from cohort.messaging.models import Announcement, Message
from cohort.notifications.models import Notification
from cohort.reviews.models import Submission
from cohort.reviews.tests.factories import AssignmentFactory
from system.security.conftest import client_for

pytestmark = pytest.mark.django_db


def _limit(name: str) -> int:
    """The configured count of a write limit ("20/m" -> 20)."""
    return int(getattr(settings, name, "20/m").split("/")[0])


def test_a_message_flood_is_cut_off_at_the_limit(world):
    side, limit = world.a, _limit("MESSAGES_PER_SENDER")
    client = client_for(side.leader)
    before = Notification.objects.filter(recipient=side.mentor).count()
    url = f"/api/v1/messages/threads/{side.thread.pk}"
    statuses = [
        client.post(url, {"text": f"spam {n}"}, content_type="application/json")
        for n in range(limit + 5)
    ]
    assert [r.status_code for r in statuses] == [201] * limit + [429] * 5
    assert all("detail" in r.json() and int(r["Retry-After"]) >= 1 for r in statuses[limit:])
    assert Message.objects.filter(thread=side.thread).count() == 1 + limit
    assert Notification.objects.filter(recipient=side.mentor).count() == before + limit


def test_a_submission_flood_is_cut_off_at_the_limit(world):
    limit = _limit("SUBMISSIONS_PER_MEMBER")
    assignment = AssignmentFactory._meta.model.objects.get(pk=world.assignment_id)
    works = [AssignmentFactory(episode=assignment.episode) for _ in range(limit + 2)]
    client = client_for(world.a.member)
    statuses = [
        client.post("/api/v1/submissions", {"assignment": w.pk, "text": "x"}).status_code
        for w in works
    ]
    assert statuses == [201] * limit + [429] * 2
    assert Submission.objects.filter(user=world.a.member).count() == limit


def test_an_announcement_flood_is_cut_off_at_the_limit(world):
    limit = _limit("ANNOUNCEMENTS_PER_AUTHOR")
    client = client_for(world.a.mentor)
    body = {"title": "Hi", "text": "Spam", "audience": "groups", "group_ids": [world.a.group.pk]}
    before = Announcement.objects.count()
    statuses = [
        client.post("/api/v1/announcements", {**body, "publish": True},
                    content_type="application/json").status_code
        for _ in range(limit + 2)
    ]  # fmt: skip
    assert statuses == [201] * limit + [429] * 2
    assert Announcement.objects.count() == before + limit
