"""Invite links: signed, expiring, and dead once the group's password changes."""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohort.accounts.models import Group, User
from cohort.accounts.services.members import EmailTaken, member_add
from cohort.core.exceptions import Conflict, InvalidInput
from cohort.ops.models import AuditEvent

_SALT = "cohort.accounts.invite"
# One answer for every address that has an account, wherever it stands: an invite link is
# a bearer secret that may have travelled, and must not tell its holder who uses Cohort.
JOIN_REFUSED = gettext_lazy(
    "This email address cannot join with an invite link. If you already use Cohort, sign "
    "in instead; if you have left a group, an organiser can bring you back."
)


def _password_fingerprint(group: Group) -> str:
    return salted_hmac(_SALT, group.password, algorithm="sha256").hexdigest()[:16]


def invite_token_create(*, group: Group) -> str:
    """A token for /join/<token>/ valid for INVITE_MAX_AGE_DAYS or until the password changes."""
    return signing.dumps({"g": group.pk, "p": _password_fingerprint(group)}, salt=_SALT)


def invite_group_get(*, token: str) -> Group:
    """The group an invite token leads to; InvalidInput when it is expired, forged or dead."""
    max_age = settings.INVITE_MAX_AGE_DAYS * 24 * 3600
    try:
        payload = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise InvalidInput(
            _("This invite link has expired. Ask your group leader for a new one.")
        ) from exc
    except signing.BadSignature as exc:
        raise InvalidInput(_("This invite link is not valid.")) from exc
    group_id = payload.get("g") if isinstance(payload, dict) else None
    group = Group.objects.filter(pk=group_id).first() if group_id is not None else None
    if group is None or payload.get("p") != _password_fingerprint(group):
        raise InvalidInput(
            _(
                "This invite link no longer works: the group's password has changed. "
                "Ask your group leader for a new one."
            )
        )
    return group


@transaction.atomic
def invite_accept(*, token: str, email: str, display_name: str, ip: str | None = None) -> User:
    """Join the invite's group as a NEW member while it has room. Raises GroupFull, or
    Conflict(JOIN_REFUSED) for an email that has an account: it is never signed in here."""
    group = invite_group_get(token=token)
    try:
        return member_add(
            group=group,
            email=email,
            display_name=display_name,
            actor=None,
            ip=ip,
            action=AuditEvent.Action.MEMBER_JOINED,
        )
    except EmailTaken as exc:
        raise Conflict(JOIN_REFUSED) from exc
