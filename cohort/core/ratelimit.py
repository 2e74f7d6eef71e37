"""Per-person write limits, counted in django-ratelimit's fixed windows in the cache: the
service that writes calls `rate_limit_hit`, so the API and the page share one limit."""

import logging

from django.core.exceptions import ImproperlyConfigured
from django_ratelimit.core import get_usage

from cohort.core.exceptions import RateLimited

logger = logging.getLogger(__name__)


def rate_limit_hit(*, action: str, user_id: int, rate: str, detail: str) -> None:
    """Count one `action` by the user against `rate` (django-ratelimit syntax, "20/m") and
    raise RateLimited (429 with Retry-After) once the window's budget is spent. With the
    cache down (the degraded mode) nothing is counted, as RATELIMIT_FAIL_OPEN says."""
    try:
        usage = get_usage(
            None,  # no request: the key is the person, whichever door they came through
            group=action,
            key=lambda _group, _request: str(user_id),
            rate=rate,
            increment=True,
        )
    except ImproperlyConfigured:
        raise
    except Exception:
        logger.warning("rate limiter unavailable for %s", action, exc_info=True)
        return
    if usage and usage["should_limit"]:
        raise RateLimited(detail, retry_after=usage["time_left"])
