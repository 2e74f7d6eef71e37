"""Organisers' TOTP two-factor sign-in (django-otp): enrol, verify, recovery codes, reset.

After the password, an organiser's session is "unverified" until a code from their
authenticator app (or one of their single-use recovery codes, django-otp's static tokens,
made at enrolment) is checked here; OrganiserTwoFactorMiddleware keeps every other page and
API operation closed meanwhile. Wrong codes of either kind are counted per organiser in the
cache (like sign-in failures) on top of django-otp's own growing delay between attempts.
"""

import datetime as dt
import logging

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.core import get_usage

from cohort.accounts import permissions
from cohort.accounts.models import User, normalize_email
from cohort.core.exceptions import Conflict, InvalidInput, NotFound, RateLimited
from cohort.core.http import client_ip
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

logger = logging.getLogger(__name__)

WRONG_CODE = gettext_lazy("That code is not right. Check your authenticator app and try again.")
# Set with the device id once the code is checked; the middleware compares it with the
# signed-in user, so a session cannot carry another user's verification.
SESSION_VERIFIED_USER = "cohort_2fa_user"
# The id of the unconfirmed device this session is setting up. A key being set up belongs
# to one session: another session with the same password (a thief) gets its own key, which
# is deleted when the owner confirms theirs.
SESSION_ENROL_DEVICE = "cohort_2fa_enrol_device"
_DEVICE_NAME = "Authenticator app"
_RECOVERY_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10


def two_factor_required(user) -> bool:
    """Whether this signed-in user must confirm a TOTP code before using the site."""
    return bool(settings.ORGANISER_2FA_REQUIRED and permissions.is_organiser(user))


def two_factor_is_verified(request) -> bool:
    """Whether this session passed the code step for its own user (no query: session only)."""
    session = request.session
    return bool(session.get(DEVICE_ID_SESSION_KEY)) and (
        session.get(SESSION_VERIFIED_USER) == request.user.pk
    )


def two_factor_device(user: User) -> TOTPDevice | None:
    """The organiser's confirmed TOTP device, if they have enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _session_device(request) -> TOTPDevice | None:
    """The unconfirmed device this session started setting up, if it still exists."""
    device_id = request.session.get(SESSION_ENROL_DEVICE)
    if not isinstance(device_id, int):
        return None
    return TOTPDevice.objects.filter(pk=device_id, user=request.user, confirmed=False).first()


def two_factor_enrol_start(request) -> TOTPDevice:
    """This session's unconfirmed device: a new key for each session that starts set-up,
    the same one on a reload of the page, never shown to another session."""
    device = _session_device(request)
    if device is None:
        user = request.user
        # Attempts of sessions that have since ended can never be confirmed: drop them.
        stale = timezone.now() - dt.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT)
        TOTPDevice.objects.filter(user=user, confirmed=False, created_at__lt=stale).delete()
        device = TOTPDevice.objects.create(user=user, name=_DEVICE_NAME, confirmed=False)
        request.session[SESSION_ENROL_DEVICE] = device.pk
    return device


def two_factor_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code for the enrolment page."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111827")


def two_factor_secret(device: TOTPDevice) -> str:
    """The key in base32 (what apps ask for when typed in), grouped in fours."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _limit(request, user: User, *, increment: bool) -> dict | None:
    try:
        return get_usage(
            request,
            group="two-factor",
            key=lambda _g, _r: str(user.pk),
            rate=settings.TWO_FACTOR_FAILURES_PER_USER,
            increment=increment,
        )
    except Exception:
        # Degraded mode, as for sign-in: django-otp's own delay still slows guessing.
        logger.warning("two-factor limiter unavailable", exc_info=True)
        return None


def _guard(request, user: User) -> None:
    usage = _limit(request, user, increment=False)
    if usage and usage["limit"] and usage["count"] >= usage["limit"]:
        minutes = max(1, round(usage["time_left"] / 60))
        raise RateLimited(
            ngettext(
                "Too many wrong codes. Try again in about %(minutes)s minute.",
                "Too many wrong codes. Try again in about %(minutes)s minutes.",
                minutes,
            )
            % {"minutes": minutes},
            retry_after=usage["time_left"],
        )


def _failed(request, user: User, *, step: str) -> None:
    usage = _limit(request, user, increment=True)
    ip = client_ip(request)
    with transaction.atomic():
        audit_record(action=AuditEvent.Action.TWO_FACTOR_FAILED, actor=user, ip=ip, step=step)
        if usage and usage["limit"] and usage["count"] == usage["limit"]:
            audit_record(action=AuditEvent.Action.LOCKOUT, actor=user, ip=ip, by=["two_factor"])
    raise InvalidInput(WRONG_CODE)


def _check(request, user: User, device, code: str, *, step: str) -> None:
    """Raise unless `code` is the TOTP device's current one or one of the static device's
    unused recovery codes (which verify_token deletes). The device row is locked (and so read
    from the primary) while the code is checked: two requests with one code cannot both
    pass, and the "used once" and pause counters are never read stale. django-otp doubles a
    pause after each wrong code; a code typed during the pause is refused without counting."""
    with transaction.atomic():
        locked = type(device).objects.select_for_update().filter(pk=device.pk).first()
        if locked is None:  # reset meanwhile
            raise NotFound(gettext("No authenticator is set up any more; sign in again."))
        allowed, info = locked.verify_is_allowed()
        ok = allowed and locked.verify_token(_clean(code))
    if not allowed:
        until = (info or {}).get("locked_until")
        seconds = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
        raise RateLimited(
            ngettext(
                "Wait %(seconds)s second before the next code.",
                "Wait %(seconds)s seconds before the next code.",
                seconds,
            )
            % {"seconds": seconds},
            retry_after=seconds,
        )
    if not ok:
        _failed(request, user, step=step)


def _mark_verified(request, device: TOTPDevice) -> None:
    # A new session key at the step that raises the session's privileges.
    request.session.cycle_key()
    otp_login(request, device)
    request.session[SESSION_VERIFIED_USER] = request.user.pk


def _clean(code: str) -> str:
    return "".join((code or "").split())[:16]


def _is_recovery_code(code: str) -> bool:
    """The app's codes are 6 digits; anything else typed is taken for a recovery code
    (8 letters and digits, shown as abcd-efgh, accepted in any case, with or without -)."""
    cleaned = _clean(code)
    return not (cleaned.isdigit() and len(cleaned) == 6)


def _recovery_token(code: str) -> str:
    return _clean(code).replace("-", "").lower()


def _recovery_codes_replace(user: User) -> list[str]:
    """A new set of single-use recovery codes in place of any old set, shown as abcd-efgh.
    Caller holds a transaction."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_RECOVERY_NAME, confirmed=True)
    tokens: set[str] = set()
    while len(tokens) < RECOVERY_CODE_COUNT:
        tokens.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in sorted(tokens))
    return [f"{t[:4]}-{t[4:]}" for t in sorted(tokens)]


def two_factor_recovery_codes_left(user: User) -> int:
    """How many unused recovery codes the organiser has (one query)."""
    return StaticToken.objects.filter(device__user=user).count()


def two_factor_recovery_codes_create(request, *, code: str) -> list[str]:
    """New recovery codes for a verified organiser who types a current code (from the app,
    or one of the old recovery codes): the old ones stop working. Raises RateLimited,
    InvalidInput (wrong code) or NotFound (no authenticator)."""
    user = request.user
    _guard(request, user)
    device = two_factor_device(user)
    if device is None:
        raise NotFound(gettext("No authenticator is set up yet."))
    if _is_recovery_code(code):
        recovery = StaticDevice.objects.filter(user=user).first()
        if recovery is None:
            _failed(request, user, step="recovery_codes")
        device, code = recovery, _recovery_token(code)
    _check(request, user, device, code, step="recovery_codes")
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
        audit_record(
            action=AuditEvent.Action.TWO_FACTOR_RECOVERY_CODES,
            actor=user,
            ip=client_ip(request),
            target=user,
            codes=len(codes),
        )
    return codes


def two_factor_enrol_confirm(request, *, code: str) -> list[str]:
    """Confirm this session's device with a first code; the session is then verified, every
    other attempt's key is deleted and a first set of recovery codes is made: returned here
    to be shown once. Raises RateLimited, InvalidInput (wrong code),
    NotFound (this session is setting nothing up) or Conflict (a device is confirmed
    already: a second one needs `two_factor_reset`)."""
    user = request.user
    _guard(request, user)
    device = _session_device(request)
    if device is None:
        raise NotFound(gettext("There is no authenticator being set up; start again."))
    _check(request, user, device, code, step="enrol")
    with transaction.atomic():
        # The user's row lock serialises two sessions confirming at once: one device wins.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise Conflict(gettext("An authenticator is already set up: sign in with its code."))
        if not TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True):
            raise NotFound(gettext("There is no authenticator being set up; start again."))
        device.confirmed = True
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _recovery_codes_replace(user)
        audit_record(
            action=AuditEvent.Action.TWO_FACTOR_ENROLLED,
            actor=user,
            ip=client_ip(request),
            target=user,
        )
        audit_record(
            action=AuditEvent.Action.TWO_FACTOR_RECOVERY_CODES,
            actor=user,
            ip=client_ip(request),
            target=user,
            codes=len(codes),
        )
    request.session.pop(SESSION_ENROL_DEVICE, None)
    _mark_verified(request, device)
    return codes


def two_factor_verify(request, *, code: str) -> int | None:
    """Check a code from the organiser's confirmed device, or one of their recovery codes
    (used up); the session is then verified. Returns None for the app's code, else how many
    recovery codes are left. Raises RateLimited, InvalidInput (wrong code, under the same
    limits for both kinds) or NotFound (no device: enrol first)."""
    user = request.user
    _guard(request, user)
    device = two_factor_device(user)
    if device is None:
        raise NotFound(gettext("No authenticator is set up yet."))
    if not _is_recovery_code(code):
        _check(request, user, device, code, step="verify")
        audit_record(
            action=AuditEvent.Action.TWO_FACTOR_VERIFIED, actor=user, ip=client_ip(request)
        )
        _mark_verified(request, device)
        return None
    recovery = StaticDevice.objects.filter(user=user).first()
    if recovery is None:
        _failed(request, user, step="recovery")
    _check(request, user, recovery, _recovery_token(code), step="recovery")
    left = two_factor_recovery_codes_left(user)
    audit_record(
        action=AuditEvent.Action.TWO_FACTOR_RECOVERY_USED,
        actor=user,
        ip=client_ip(request),
        codes_left=left,
    )
    _mark_verified(request, recovery)
    return left


def two_factor_reset(*, email: str, actor=None, ip: str | None = None) -> int:
    """Remove an organiser's devices, the app's and the recovery codes (a lost phone): their
    next sign-in enrols again. From the admin (another organiser) or `two_factor_reset`.
    Returns how many devices went; raises NotFound for an unknown email."""
    user = User.objects.filter(email=normalize_email(email)).first()
    if user is None:
        raise NotFound(gettext("No user with the email %(repr)s.") % {"repr": repr(email)})
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.filter(user=user)
        removed += recovery.count()
        recovery.delete()
        audit_record(
            action=AuditEvent.Action.TWO_FACTOR_RESET,
            actor=actor,
            ip=ip,
            target=user,
            devices=removed,
        )
    return removed
