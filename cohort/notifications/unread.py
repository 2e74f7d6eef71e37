"""The unread count, polled often: served from the cache and exact after every change.

Each member's count is cached stamped with a version, and a poll reads both in one round
trip. Every create or read deletes the version (after commit); the next poll starts a fresh
random version and counts in the database once. A poll that read an old version can only
store its count stamped with that old version, which never matches again, so there is no
stale window. Without a cache, the database answers (one indexed COUNT), as it does every
time with USE_NOTIFICATION_CACHE off.
"""

from collections.abc import Iterable

from django.conf import settings

from cohort.core.caching import (
    cache_count,
    cache_forget_on_commit,
    cache_get_many,
    cache_set,
    cache_version_start,
)
from cohort.notifications.models import Notification

_TTL = 24 * 3600


def _version_key(user_id: int) -> str:
    return f"notifications:unread:v:{user_id}"


def _count_key(user_id: int) -> str:
    return f"notifications:unread:stamped:{user_id}"


def _count_in_database(user_id: int) -> int:
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()


def unread_count_get(*, user_id: int) -> int:
    """The member's exact unread count."""
    if not settings.USE_NOTIFICATION_CACHE:
        return _count_in_database(user_id)
    keys = [_version_key(user_id), _count_key(user_id)]
    found = cache_get_many(keys)
    version, entry = found.get(keys[0]), found.get(keys[1])
    if version is not None and entry is not None and entry[0] == version:
        cache_count("unread_count", hit=True)
        return entry[1]
    cache_count("unread_count", hit=False)
    if version is None:  # read before the database: a change after it deletes this one
        version = cache_version_start(keys[0], _TTL)
    count = _count_in_database(user_id)
    if version is not None:
        cache_set(keys[1], (version, count), _TTL)
    return count


def unread_count_changed(user_ids: Iterable[int]) -> None:
    """Call inside the transaction that creates or reads notifications of these members.
    Versions are dropped even with USE_NOTIFICATION_CACHE off, so turning it back on
    cannot serve a count cached before the change."""
    cache_forget_on_commit(_version_key(uid) for uid in set(user_ids))
