"""The terms gate and the organisers' site texts.

When the organisers have written terms (core.SiteText "terms"), a signed-in person who has
not accepted the current version is sent to /terms/accept/ before any other page
(TermsGateMiddleware); a change of the terms raises the version, so everyone accepts again.
The API is never gated: a script or a device cannot click "I accept", and a token is made
by a person who has used the site (docs/privacy.md).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohort.accounts import permissions
from cohort.accounts.models import User
from cohort.core.exceptions import Conflict, InvalidInput
from cohort.core.models import SiteText
from cohort.core.selectors import terms_version_required
from cohort.core.services import site_text_save
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

SITE_TEXT_MAX = 50000


def terms_pending(user) -> bool:
    """Whether this signed-in person must accept the terms before using the site."""
    if not user.is_authenticated:
        return False
    required = terms_version_required()
    return bool(required) and user.terms_accepted_version < required


@transaction.atomic
def terms_accept(*, user: User, version: int) -> User:
    """Record that `user` accepted terms `version` (the one the page showed); a version
    that is no longer the current one is refused (409), so nobody accepts unseen text."""
    if version != terms_version_required():
        raise Conflict(_("The terms changed while you were reading them; read them again."))
    User.objects.filter(pk=user.pk).update(
        terms_accepted_version=version, terms_accepted_at=timezone.now()
    )
    user.terms_accepted_version, user.terms_accepted_at = version, timezone.now()
    return user


@transaction.atomic
def site_text_update(*, actor: User, key: str, body: str, ip: str | None = None) -> SiteText:
    """Organisers: change the privacy notice or the terms (audited with the new version)."""
    permissions.organiser_require(actor)
    if key not in SiteText.Key.values:
        raise InvalidInput(_("No such page."))
    if len(body or "") > SITE_TEXT_MAX:
        raise InvalidInput(_("A page has at most %(n)s characters.") % {"n": SITE_TEXT_MAX})
    before = SiteText.objects.filter(key=key).values_list("version", flat=True).first() or 0
    row = site_text_save(key=key, body=body or "")
    if row.version != before:
        audit_record(
            action=AuditEvent.Action.TEXT_CHANGED,
            actor=actor,
            ip=ip,
            target=row,
            key=key,
            version=row.version,
        )
    return row
