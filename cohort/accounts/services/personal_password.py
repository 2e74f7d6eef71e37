"""A member's personal password: once set, the group password no longer signs in as them."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohort.accounts.models import User
from cohort.accounts.tokens import api_tokens_revoke_for_users
from cohort.core.exceptions import InvalidInput
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

WRONG_CURRENT = gettext_lazy("That is not right: give the password you signed in with.")
SAME_AS_GROUP = gettext_lazy(
    "Choose a password different from the group password: everyone in your group knows that."
)


def personal_password_check_current(*, user: User, current: str) -> None:
    """Raise InvalidInput unless `current` is the secret that signs in as the user now: their
    personal password once they have one, the group password until then."""
    if user.has_personal_password:
        valid = user.check_password(current or "")
    else:
        valid = user.group is not None and user.group.check_password(current or "")
    if not valid:
        raise InvalidInput(WRONG_CURRENT)


def personal_password_validate(*, user: User, password: str) -> None:
    """Raise InvalidInput with every reason Django's validators give, or if the password is
    the group's (which would let the whole group keep signing in as the member)."""
    try:
        validate_password(password or "", user=user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages)) from exc
    if user.group is not None and user.group.check_password(password):
        raise InvalidInput(SAME_AS_GROUP)


@transaction.atomic
def personal_password_set(
    *, user: User, current: str, password: str, ip: str | None = None
) -> User:
    """Check the current secret, then set the member's own password. Their other sessions
    end (the caller keeps the current one with update_session_auth_hash) and their API
    tokens are revoked: while the group password signed in as them, anyone in the group
    could have made one."""
    if not user.is_member:
        raise InvalidInput(_("Only members set a personal password here."))
    personal_password_check_current(user=user, current=current)
    personal_password_validate(user=user, password=password)
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.set_password(password)
    locked.save(update_fields=["password"])  # post_save drops the cached token lookups
    revoked = api_tokens_revoke_for_users(user_ids=[user.pk])
    audit_record(
        action=AuditEvent.Action.PERSONAL_PASSWORD_SET,
        actor=user,
        ip=ip,
        target=user,
        tokens_revoked=revoked,
    )
    user.password = locked.password
    return user


@transaction.atomic
def personal_password_clear(*, user: User, actor: User | None, ip: str | None = None) -> bool:
    """An organiser's reset for a member who forgot theirs: the group password signs in as
    them again, their passkeys are removed and their sessions end. False if they had none
    (nothing to clear)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.is_member or not locked.has_personal_password:
        return False
    locked.set_unusable_password()
    locked.save(update_fields=["password"])
    locked.passkeys.all().delete()  # passkeys go with the password they fall back on
    audit_record(
        action=AuditEvent.Action.PERSONAL_PASSWORD_SET,
        actor=actor,
        ip=ip,
        target=locked,
        cleared=True,
    )
    user.password = locked.password
    return True
