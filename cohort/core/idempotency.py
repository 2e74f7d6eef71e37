"""Idempotency keys for writes a client may send again (RFC draft "The Idempotency-Key HTTP
Header Field"): the first answer to a key is kept for a day, per member and operation, and
a request with the same key gets that answer back without writing again. A phone that sent
an entry queued offline and lost the answer can retry without overwriting a value the
member changed in between.

The answers live in the cache: while the cache is down a retried key writes again, which is
harmless for the writes that use it (each is a SET of one day, naturally idempotent)."""

import logging
import re
from typing import Any

from django.core.cache import cache

from cohort.core.exceptions import InvalidInput

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
KEEP_SECONDS = 24 * 3600
_VALID = re.compile(r"[A-Za-z0-9_.:-]{8,100}")


def idempotency_key(request) -> str | None:
    """The request's Idempotency-Key, or None without one; a malformed key is InvalidInput."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not _VALID.fullmatch(key):
        raise InvalidInput(
            f"{HEADER} must be 8 to 100 letters, digits or '-', '_', '.', ':' (a UUID, say)."
        )
    return key


def _cache_key(scope: str, key: str) -> str:
    return f"idempotency:v1:{scope}:{key}"


def idempotent_answer_get(*, scope: str, key: str) -> Any | None:
    """The answer kept for `key` in `scope` (say "activity-put:<user id>"), or None."""
    try:
        return cache.get(_cache_key(scope, key))
    except Exception:
        logger.warning("cache unavailable: idempotency key not checked", exc_info=True)
        return None


def idempotent_answer_keep(*, scope: str, key: str, answer: Any) -> None:
    """Keep the answer to `key` for a day; the first answer stays (add, not set)."""
    try:
        cache.add(_cache_key(scope, key), answer, KEEP_SECONDS)
    except Exception:
        logger.warning("cache unavailable: idempotency answer not kept", exc_info=True)
