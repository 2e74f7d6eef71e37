"""The unread count, polled often: served from the cache and exact after every change.

Each member's count is cached under a version. Every create or read deletes the version
(after commit); the next poll starts a fresh random version and counts in the database
once. A poll that read an old version can only store its count under that old version,
which nobody reads again, so there is no stale window. Without a cache, the database
answers (one indexed COUNT).
"""

import logging
import secrets
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

from cohort.core.caching import cache_count
from cohort.notifications.models import Notification

logger = logging.getLogger(__name__)

_TTL = 24 * 3600


def _version_key(user_id: int) -> str:
    return f"notifications:unread:v:{user_id}"


def _count_key(user_id: int, version: int) -> str:
    return f"notifications:unread:{user_id}:{version}"


def _count_in_database(user_id: int) -> int:
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()


def unread_count_get(*, user_id: int) -> int:
    try:
        version = cache.get(_version_key(user_id))
        if version is None:
            fresh = secrets.randbits(62)
            version = fresh if cache.add(_version_key(user_id), fresh, _TTL) else None
            version = version or cache.get(_version_key(user_id))
        count = cache.get(_count_key(user_id, version)) if version is not None else None
    except Exception:  # the cache is down: the database still knows
        logger.warning("unread count: cache unavailable", exc_info=True)
        return _count_in_database(user_id)
    cache_count("unread_count", hit=count is not None)
    if count is None:
        count = _count_in_database(user_id)
        if version is not None:
            _quietly(cache.set, _count_key(user_id, version), count, _TTL)
    return count


def unread_count_changed(user_ids: Iterable[int]) -> None:
    """Call inside the transaction that creates or reads notifications of these members."""
    keys = [_version_key(uid) for uid in set(user_ids)]
    if keys:
        transaction.on_commit(lambda: _quietly(cache.delete_many, keys))


def _quietly(operation, *args) -> None:
    try:
        operation(*args)
    except Exception:
        logger.warning("unread count: cache unavailable", exc_info=True)
