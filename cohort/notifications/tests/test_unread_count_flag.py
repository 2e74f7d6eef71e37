"""USE_NOTIFICATION_CACHE both ways: the same exact counts, with and without the cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.accounts.tests.factories import MemberFactory
from cohort.notifications.models import Notification
from cohort.notifications.services import (
    NotificationDraft,
    notifications_create,
    notifications_mark_read,
)
from cohort.notifications.unread import unread_count_get

pytestmark = pytest.mark.django_db


def _notify(member, n: int, start: int = 0) -> None:
    notifications_create(
        drafts=[
            NotificationDraft(member.pk, f"news {i}", dedupe_key=f"k{i}")
            for i in range(start, start + n)
        ]
    )


def _counts_through_creates_and_reads(member, commit_callbacks) -> list[int]:
    """The unread count after each step of a member's day."""
    counts = [unread_count_get(user_id=member.pk)]
    with commit_callbacks(execute=True):
        _notify(member, 2)
    counts.append(unread_count_get(user_id=member.pk))
    counts.append(unread_count_get(user_id=member.pk))  # a second poll
    with commit_callbacks(execute=True):
        _notify(member, 3, start=2)
    counts.append(unread_count_get(user_id=member.pk))
    first = Notification.objects.filter(recipient=member).order_by("id").first()
    with commit_callbacks(execute=True):
        notifications_mark_read(user_id=member.pk, ids=[first.pk])
    counts.append(unread_count_get(user_id=member.pk))
    with commit_callbacks(execute=True):
        notifications_mark_read(user_id=member.pk)
    counts.append(unread_count_get(user_id=member.pk))
    return counts


def test_the_counts_are_the_same_with_and_without_the_cache(
    settings, django_capture_on_commit_callbacks
):
    answers = {}
    for flag in (True, False):
        settings.USE_NOTIFICATION_CACHE = flag
        answers[flag] = _counts_through_creates_and_reads(
            MemberFactory(), django_capture_on_commit_callbacks
        )
    assert answers[True] == answers[False] == [0, 2, 2, 5, 4, 0]


def test_with_the_flag_off_every_poll_counts_in_the_database(settings):
    settings.USE_NOTIFICATION_CACHE = False
    member = MemberFactory()
    _notify(member, 3)
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert unread_count_get(user_id=member.pk) == 3
        assert len(queries) == 1  # the indexed COUNT, each time


def test_turning_the_flag_back_on_serves_no_count_from_before(
    settings, django_capture_on_commit_callbacks
):
    member = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(member, 2)
    assert unread_count_get(user_id=member.pk) == 2  # cached
    settings.USE_NOTIFICATION_CACHE = False
    with django_capture_on_commit_callbacks(execute=True):
        notifications_mark_read(user_id=member.pk)
    assert unread_count_get(user_id=member.pk) == 0
    settings.USE_NOTIFICATION_CACHE = True
    assert unread_count_get(user_id=member.pk) == 0
