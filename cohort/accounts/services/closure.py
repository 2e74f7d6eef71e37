"""Closing an account, by its owner or by an organiser on their request.

What closing does (docs/privacy.md says the same to people):
- the account can no longer sign in (inactive, no usable password, passkeys and two-factor
  devices deleted) and every session and API token ends;
- the name becomes "Closed account", the email an address of the reserved .invalid domain,
  the LeetCode username and the privacy choice are cleared (there is no bio or photo);
- the member keeps their group id, so their logged days stay in the group's analytics
  (averages, totals per day) anonymously; their place in the group is freed, and they are
  on no leaderboard any more (the boards count active members only; standing_changed
  refreshes them), which also takes their points out of their group's board total;
- their mentor threads are closed (messaging's Thread.with_is_current needs an active
  student): kept for the mentor's records, never written to again;
- one audit event, with the actor (the member, or the organiser who did it for them).

Confirmation: whoever signs in with their own password (members who set a personal one,
every staff role) types it. A member who signs in with the group's shared password types
that AND follows a link emailed to their address: the group password alone is known to
the whole group, the mailbox only to them (docs/privacy.md).
"""

import hashlib

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cohort.accounts import permissions
from cohort.accounts.models import Group, User
from cohort.accounts.signals import standing_changed
from cohort.accounts.tokens import api_tokens_revoke_for_users
from cohort.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from cohort.core.ratelimit import rate_limit_hit
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

CLOSED_NAME = "Closed account"
CLOSE_LINK_MAX_AGE = 3600  # seconds: the emailed confirmation link of group-password members
_SALT = "cohort.accounts.account-close"


def closed_email(user_id: int) -> str:
    """The erased email: unique per account, in a domain that can never receive mail."""
    return f"closed-{user_id}@closed.invalid"


def account_close_needs_email(user: User) -> bool:
    """Whether this person confirms by an emailed link too (they sign in with the group's
    shared password, which their whole group knows)."""
    return user.is_member and not user.has_personal_password


def account_close_secret_check(*, user: User, secret: str) -> None:
    """Raise InvalidInput unless `secret` is what this person signs in with. Counted per
    person (5 tries in 15 minutes) so the form is no way to guess a password."""
    rate_limit_hit(
        action="account-close-secret",
        user_id=user.pk,
        rate="5/15m",
        detail=_("Too many wrong passwords. Try again in a few minutes."),
    )
    if account_close_needs_email(user):
        ok = user.group is not None and user.group.check_password(secret or "")
    else:
        ok = user.check_password(secret or "")
    if not ok:
        raise InvalidInput(_("That password is not the one you sign in with."))


def _state(user: User) -> str:
    # The link dies when the email or the group password changes, or the account closes.
    group_hash = user.group.password if user.group is not None else ""
    material = f"{user.email}:{user.is_active}:{group_hash}"
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def account_close_link_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "s": _state(user)}, salt=_SALT)


def account_close_link_check(*, user: User, token: str) -> None:
    """Raise NotFound unless the token is this person's live, unexpired link."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=CLOSE_LINK_MAX_AGE)
    except signing.BadSignature:
        raise NotFound(_("This link has expired or is not yours. Ask for a new one.")) from None
    if data.get("u") != user.pk or data.get("s") != _state(user):
        raise NotFound(_("This link has expired or is not yours. Ask for a new one."))


def account_close_link_send(*, user: User, secret: str, link_for) -> None:
    """Check the group password, then email the confirmation link to the member's address.
    `link_for(token)` makes the absolute URL (the view knows the host)."""
    account_close_secret_check(user=user, secret=secret)
    url = link_for(account_close_link_token(user))
    body = _(
        "You asked to close your Cohort account. To confirm, open this link within an hour "
        "while signed in:\n\n%(url)s\n\nIf you did not ask for this, ignore this email and "
        "tell your group leader or an organiser: someone knows your group's password."
    ) % {"url": url}
    send_mail(
        _("Confirm closing your Cohort account"), body, settings.DEFAULT_FROM_EMAIL, [user.email]
    )


def _last_organiser(user: User) -> bool:
    return (
        permissions.is_organiser(user)
        and not User.objects.filter(role=User.Role.ORGANISER, is_active=True)
        .exclude(pk=user.pk)
        .exists()
    )


@transaction.atomic
def account_close(*, user: User, actor: User, ip: str | None = None) -> User:
    """Close `user`'s account (see the module's docstring). `actor` is the person
    themselves (who confirmed with their secret: the caller checked it) or an organiser."""
    if actor.pk != user.pk and not permissions.may_manage_members(actor):
        raise PermissionDenied(_("Only organisers close other people's accounts."))
    locked = User.objects.select_for_update().filter(pk=user.pk).first()
    if locked is None:
        raise NotFound(_("No such person."))
    if locked.closed_at is not None:
        raise Conflict(_("This account is closed already."))
    if _last_organiser(locked):
        raise Conflict(_("The last organiser cannot close their account: add another first."))
    group = None
    if locked.group_id is not None:
        group = Group.objects.select_for_update().get(pk=locked.group_id)
        if locked.is_active:  # a removed member's place was freed when they left
            Group.objects.filter(pk=group.pk, member_count__gt=0).update(
                member_count=F("member_count") - 1
            )
        if group.leader_id == locked.pk:
            Group.objects.filter(pk=group.pk).update(leader=None)
    locked.email = closed_email(locked.pk)
    locked.display_name = CLOSED_NAME
    locked.leetcode_username = ""
    locked.leetcode_verified_at = None
    locked.hide_name_outside_group = True
    locked.marker_colour = "#6b7280"
    locked.set_unusable_password()
    locked.is_active = False
    locked.closed_at = timezone.now()
    locked.save()
    locked.passkeys.all().delete()
    TOTPDevice.objects.filter(user=locked).delete()
    StaticDevice.objects.filter(user=locked).delete()
    revoked = api_tokens_revoke_for_users(user_ids=[locked.pk])
    audit_record(
        action=AuditEvent.Action.ACCOUNT_CLOSED,
        actor=actor,
        ip=ip,
        target=locked,
        by="self" if actor.pk == locked.pk else "organiser",
        group_id=group.pk if group else None,
        tokens_revoked=revoked,
    )
    standing_changed.send(sender=User, group_ids=[group.pk] if group else [], user_ids=[locked.pk])
    return locked
