"""The first run of a real installation: on a database without an organiser, start-up
(`manage.py setup_link`, which `make run` calls) prints a one-time link, like Jupyter's or
Grafana's, that creates the first organiser with their own password; their two-factor
enrolment follows at once (accounts' /2fa/setup/). Only the SHA-256 of the link's key is
stored; the link expires, each new one replaces the unused ones before it, and it is dead
once used or once any organiser exists.
"""

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohort.accounts.models import SetupLink, User, normalize_email
from cohort.core.exceptions import Conflict, InvalidInput, NotFound
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

SETUP_LINK_MAX_AGE = dt.timedelta(hours=24)


class SetupLinkDead(NotFound):
    """Used, expired, replaced or unknown; or the site already has an organiser."""

    status_code = 410

    def __init__(self):
        super().__init__(
            _(
                "This set-up link cannot be used: it was used already, has expired or was "
                "replaced by a newer one. Sign in instead, or run `manage.py setup_link` "
                "for a new link while the site has no organiser."
            )
        )


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def site_has_organiser() -> bool:
    """Whether anyone can already organise: then no set-up link is made or honoured."""
    return User.objects.filter(role=User.Role.ORGANISER, is_active=True).exists()


@transaction.atomic
def setup_link_issue(*, now: dt.datetime | None = None) -> str | None:
    """A new set-up key (returned once, stored hashed) when the site has no organiser, else
    None. Unused older links die: only the link printed last works."""
    if site_has_organiser():
        return None
    now = now or timezone.now()
    SetupLink.objects.filter(used_at__isnull=True).delete()
    key = secrets.token_urlsafe(32)
    SetupLink.objects.create(key_hash=_hash(key), expires_at=now + SETUP_LINK_MAX_AGE)
    return key


def setup_link_check(*, key: str) -> SetupLink:
    """The live link of this key; raises SetupLinkDead (410) for any other."""
    link = SetupLink.objects.filter(key_hash=_hash(key or "")).first()
    if (
        link is None
        or link.used_at is not None
        or link.expires_at <= timezone.now()
        or site_has_organiser()
    ):
        raise SetupLinkDead()
    return link


def _validate(email: str, display_name: str, password: str, confirm: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not display_name.strip():
        errors["display_name"] = _("Enter your name.")
    elif len(display_name.strip()) > 100:
        errors["display_name"] = _("A name has at most 100 characters.")
    if not email or len(email) > 254 or "@" not in email:
        errors["email"] = _("Enter a valid email address.")
    try:
        validate_password(password or "", user=User(email=email, display_name=display_name))
    except ValidationError as exc:
        errors["password"] = " ".join(exc.messages)
    if password and password != confirm:
        errors["confirm"] = _("The two passwords differ.")
    return errors


class SetupInvalid(InvalidInput):
    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


@transaction.atomic
def setup_complete(
    *, key: str, email: str, display_name: str, password: str, confirm: str, ip: str | None = None
) -> User:
    """Create the first organiser from a live set-up link and kill the link. The link's row
    lock serialises two submissions of one link: the second finds it used (410)."""
    email = normalize_email(email)
    errors = _validate(email, display_name, password, confirm)
    if errors:
        raise SetupInvalid(errors)
    link = SetupLink.objects.select_for_update().filter(key_hash=_hash(key or "")).first()
    if link is None:
        raise SetupLinkDead()
    setup_link_check(key=key)
    if User.objects.filter(email=email).exists():
        raise Conflict(_("That email already has an account; use another."))
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email, display_name.strip(), password, role=User.Role.ORGANISER
            )
    except IntegrityError as exc:
        raise Conflict(_("That email already has an account; use another.")) from exc
    link.used_at, link.used_by = timezone.now(), user
    link.save(update_fields=["used_at", "used_by"])
    # Every other unused link dies with this one.
    SetupLink.objects.filter(used_at__isnull=True).delete()
    audit_record(action=AuditEvent.Action.SITE_SET_UP, actor=user, ip=ip, target=user)
    return user
