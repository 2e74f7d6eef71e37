"""Sign-in with brute-force limits per email (tight) and per client address (generous).

Only failures count. The counters live in the cache (django-ratelimit's fixed windows),
so a lockout ends on its own when its window closes.
"""

import logging
import time

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.utils.translation import gettext_lazy, ngettext
from django_ratelimit.core import get_usage

from cohort.accounts.models import User, normalize_email
from cohort.core.exceptions import NotAuthenticated, RateLimited
from cohort.core.http import client_ip
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

logger = logging.getLogger(__name__)

WRONG_PAIR = gettext_lazy("That email and password do not match.")
SESSION_AUTH_AT = "cohort_auth_at"
SESSION_SEEN_AT = "cohort_seen_at"
SESSION_ENDED = "cohort_session_ended"


def _limits(request, email: str) -> list[tuple[str, str, str]]:
    return [
        ("signin-email", email, settings.LOGIN_FAILURES_PER_EMAIL),
        ("signin-ip", client_ip(request), settings.LOGIN_FAILURES_PER_IP),
    ]


def _usage(request, group: str, value: str, rate: str, *, increment: bool) -> dict | None:
    try:
        return get_usage(
            request, group=group, key=lambda _g, _r: value, rate=rate, increment=increment
        )
    except Exception:
        # Degraded mode: with the cache down, sign-in still works, without the limit.
        logger.warning("sign-in limiter unavailable", exc_info=True)
        return None


def signin_guard(request, email: str) -> None:
    """Raise RateLimited if this email or this address has used up its failures."""
    for group, value, rate in _limits(request, normalize_email(email)):
        usage = _usage(request, group, value, rate, increment=False)
        if usage and usage["limit"] and usage["count"] >= usage["limit"]:
            minutes = max(1, round(usage["time_left"] / 60))
            raise RateLimited(
                ngettext(
                    "Too many failed sign-ins. Try again in about %(minutes)s minute.",
                    "Too many failed sign-ins. Try again in about %(minutes)s minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                retry_after=usage["time_left"],
            )


def signin_failed(request, email: str) -> None:
    """Count a failure against the email and the address; audit it, and the lockout it causes."""
    email = normalize_email(email)
    ip = client_ip(request)
    locked_by = []
    for group, value, rate in _limits(request, email):
        usage = _usage(request, group, value, rate, increment=True)
        if usage and usage["limit"] and usage["count"] == usage["limit"]:
            locked_by.append(group.removeprefix("signin-"))
    with transaction.atomic():
        audit_record(action=AuditEvent.Action.SIGN_IN_FAILED, ip=ip, email=email[:254])
        if locked_by:
            audit_record(action=AuditEvent.Action.LOCKOUT, ip=ip, email=email[:254], by=locked_by)


def signin_complete(request, user: User) -> None:
    """Start the session (a fresh session key) and audit the sign-in."""
    login(request, user, backend="cohort.accounts.backends.CohortBackend")
    now = int(time.time())
    request.session[SESSION_AUTH_AT] = now
    request.session[SESSION_SEEN_AT] = now
    signin_audit(request, user)


def signin_audit(request, user: User) -> None:
    audit_record(action=AuditEvent.Action.SIGN_IN, actor=user, ip=client_ip(request))


def sign_in(request, *, email: str, password: str) -> User:
    """Check the limits, authenticate, and start a session; raises RateLimited or
    NotAuthenticated (the same answer for an unknown email and a wrong password)."""
    signin_guard(request, email)
    user = authenticate(request, email=email, password=password)
    if user is None:
        signin_failed(request, email)
        raise NotAuthenticated(WRONG_PAIR)
    signin_complete(request, user)
    return user


def sign_out(request) -> None:
    user = request.user if request.user.is_authenticated else None
    if user is not None:
        audit_record(action=AuditEvent.Action.SIGN_OUT, actor=user, ip=client_ip(request))
    logout(request)
