"""The unread count, polled often: served from the cache and exact after every change.

Each member's count is cached under a version. Every create or read deletes the version
(after commit); the next poll starts a fresh random version and counts in the database
once. A poll that read an old version can only store its count under that old version,
which nobody reads again, so there is no stale window. Without a cache, the database
answers (one indexed COUNT), as it does every time with USE_NOTIFICATION_CACHE off.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache

from cohort.core.caching import cache_count, cache_forget_on_commit, cache_version
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
    """The member's exact unread count."""
    if not settings.USE_NOTIFICATION_CACHE:
        return _count_in_database(user_id)
    version = cache_version(_version_key(user_id), _TTL)
    count = None
    if version is not None:
        try:
            count = cache.get(_count_key(user_id, version))
        except Exception:  # the cache is down: the database still knows
            logger.warning("unread count: cache unavailable", exc_info=True)
            version = None
    cache_count("unread_count", hit=count is not None)
    if count is None:
        count = _count_in_database(user_id)
        if version is not None:
            try:
                cache.set(_count_key(user_id, version), count, _TTL)
            except Exception:
                logger.warning("unread count: cache unavailable", exc_info=True)
    return count


def unread_count_changed(user_ids: Iterable[int]) -> None:
    """Call inside the transaction that creates or reads notifications of these members.
    Versions are dropped even with USE_NOTIFICATION_CACHE off, so turning it back on
    cannot serve a count cached before the change."""
    cache_forget_on_commit(_version_key(uid) for uid in set(user_ids))
