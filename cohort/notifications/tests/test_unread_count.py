import threading

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
from cohort.notifications.unread import _count_key, unread_count_get

pytestmark = pytest.mark.django_db


def _notify(member, n: int, start: int = 0) -> None:
    notifications_create(
        drafts=[
            NotificationDraft(member.pk, f"news {i}", dedupe_key=f"k{i}")
            for i in range(start, start + n)
        ]
    )


def _unread_in_database(member) -> int:
    return Notification.objects.filter(recipient=member, read_at__isnull=True).count()


def test_the_count_comes_from_the_cache_after_the_first_poll(django_capture_on_commit_callbacks):
    member = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(member, 3)
    assert unread_count_get(user_id=member.pk) == 3
    with CaptureQueriesContext(connection) as queries:
        assert unread_count_get(user_id=member.pk) == 3
    assert len(queries) == 0


def test_a_count_stored_late_by_a_poll_that_raced_a_change_is_not_served(
    django_capture_on_commit_callbacks,
):
    """A poll that counted before a change committed stores its count after the change
    dropped the version: the count is stamped with that version, so it is never served."""
    from django.core.cache import cache

    member = MemberFactory()
    assert unread_count_get(user_id=member.pk) == 0
    stale = cache.get(_count_key(member.pk))
    assert stale is not None and stale[1] == 0
    with django_capture_on_commit_callbacks(execute=True):
        _notify(member, 2)
    cache.set(_count_key(member.pk), stale, 3600)  # the late poll's write
    assert unread_count_get(user_id=member.pk) == 2


def test_the_count_is_exact_after_every_create_and_read(django_capture_on_commit_callbacks):
    member = MemberFactory()
    assert unread_count_get(user_id=member.pk) == 0
    with django_capture_on_commit_callbacks(execute=True):
        _notify(member, 2)
    assert unread_count_get(user_id=member.pk) == 2
    with django_capture_on_commit_callbacks(execute=True):
        _notify(member, 1, start=2)
    assert unread_count_get(user_id=member.pk) == 3
    first = Notification.objects.filter(recipient=member).order_by("id").first()
    with django_capture_on_commit_callbacks(execute=True):
        notifications_mark_read(user_id=member.pk, ids=[first.pk])
    assert unread_count_get(user_id=member.pk) == 2
    with django_capture_on_commit_callbacks(execute=True):
        notifications_mark_read(user_id=member.pk)
    assert unread_count_get(user_id=member.pk) == 0


def test_a_change_rolled_back_leaves_the_cached_count_right(django_capture_on_commit_callbacks):
    from django.db import transaction

    member = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(member, 2)
    assert unread_count_get(user_id=member.pk) == 2
    with pytest.raises(RuntimeError), transaction.atomic():
        notifications_mark_read(user_id=member.pk)
        raise RuntimeError("the request failed after marking")
    assert unread_count_get(user_id=member.pk) == 2 == _unread_in_database(member)


def test_without_a_cache_the_database_answers(settings):
    member = MemberFactory()
    _notify(member, 4)
    settings.CACHES = {  # a Redis that does not answer: nothing listens on port 1
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert unread_count_get(user_id=member.pk) == 4
    notifications_mark_read(user_id=member.pk)  # and writes go on without it
    assert unread_count_get(user_id=member.pk) == 0


@pytest.mark.django_db(transaction=True)
def test_the_count_is_exact_after_concurrent_creates_and_reads(postgres_only):
    member = MemberFactory()
    errors = []

    def create(start: int):
        try:
            for i in range(start, start + 10):
                _notify(member, 1, start=i)
                unread_count_get(user_id=member.pk)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    def read():
        try:
            for _ in range(10):
                notifications_mark_read(user_id=member.pk)
                unread_count_get(user_id=member.pk)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(n * 100,)) for n in range(4)]
    threads += [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Notification.objects.filter(recipient=member).count() == 40
    assert unread_count_get(user_id=member.pk) == _unread_in_database(member)
    notifications_mark_read(user_id=member.pk)
    assert unread_count_get(user_id=member.pk) == 0
