from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from cohort.accounts import permissions
from cohort.accounts.models import MAX_GROUP_MEMBERS, Group, User, normalize_email
from cohort.accounts.signals import standing_changed
from cohort.accounts.tokens import api_tokens_revoke_for_users
from cohort.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record


class GroupFull(Conflict):
    def __init__(self, group: Group):
        super().__init__(f"{group.name} is full: a group has at most {MAX_GROUP_MEMBERS} members.")


class EmailTaken(Conflict):
    """The email already has an account. member_add never hands an account over to whoever
    names its email; the answer is the same wherever the account is (another group, removed,
    staff), so it tells nobody where a person stands. Organisers bring former members back
    with member_restore."""

    def __init__(self, email: str):
        super().__init__(
            f"{email} cannot be added here. An organiser adds people who already use Cohort "
            "and brings back former members."
        )


def _lock_groups(*group_ids: int | None) -> dict[int, Group]:
    """Row-lock groups in id order, so two moves in opposite directions cannot deadlock."""
    ids = sorted({gid for gid in group_ids if gid is not None})
    return {g.pk: g for g in Group.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _take_place(group: Group) -> None:
    """Caller holds the group's row lock."""
    if group.member_count >= MAX_GROUP_MEMBERS:
        raise GroupFull(group)
    Group.objects.filter(pk=group.pk).update(member_count=F("member_count") + 1)
    group.member_count += 1


def _free_place(group: Group) -> None:
    """Caller holds the group's row lock."""
    Group.objects.filter(pk=group.pk).update(member_count=F("member_count") - 1)
    group.member_count -= 1


def _refuse_closed(user: User) -> None:
    """A closed account never comes back (services/closure.py): it keeps its group id only
    so its days stay in the group's figures."""
    if user.closed_at is not None:
        raise Conflict(gettext("This account is closed; it cannot be moved or brought back."))


def _clean_profile(email: str, display_name: str) -> tuple[str, str]:
    email = normalize_email(email)
    display_name = (display_name or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(_("Enter a valid email address.")) from None
    if len(email) > 254:  # the column's size; the validator allows up to 320
        raise InvalidInput(_("Enter a valid email address (at most 254 characters)."))
    if not display_name:
        display_name = email.split("@", 1)[0]
    if len(display_name) > 100:
        raise InvalidInput(_("A name has at most 100 characters."))
    return email, display_name


@transaction.atomic
def member_add(
    *,
    group: Group,
    email: str,
    display_name: str = "",
    actor: User | None = None,
    ip: str | None = None,
    action: str = AuditEvent.Action.MEMBER_ADDED,
) -> User:
    """Add a NEW member by email; raises GroupFull, or EmailTaken for any existing account.

    Fullness is checked before the email, so a full group answers alike for every address.
    The group's row lock serialises concurrent adds, so the cap holds under any load.
    """
    email, display_name = _clean_profile(email, display_name)
    locked = _lock_groups(group.pk).get(group.pk)
    if locked is None:
        raise NotFound(_("No such group."))
    _take_place(locked)
    if User.objects.filter(email=email).exists():
        raise EmailTaken(email)
    try:
        with transaction.atomic():
            user = User.objects.create_user(email, display_name, group=locked)
    except IntegrityError as exc:  # the same email created concurrently
        raise EmailTaken(email) from exc
    audit_record(action=action, actor=actor, ip=ip, target=user, group_id=locked.pk)
    standing_changed.send(sender=User, group_ids=[locked.pk])
    group.member_count = locked.member_count
    return user


@transaction.atomic
def member_restore(*, user: User, group: Group, actor: User, ip: str | None = None) -> User:
    """Organisers only: bring a member without a group (a removed one) back into `group`.

    Their API tokens were revoked when they left and stay so. Locks group, then user, as
    member_add does.
    """
    if actor is None or not permissions.may_manage_members(actor):
        raise PermissionDenied(_("Only organisers bring back former members."))
    locked = _lock_groups(group.pk).get(group.pk)
    if locked is None:
        raise NotFound(_("No such group."))
    user = User.objects.select_for_update().get(pk=user.pk)
    _refuse_closed(user)
    if not user.is_member:
        raise InvalidInput(_("Only members belong to a group."))
    if user.group_id is not None:
        raise Conflict(
            _("%(email)s is already in a group: move them instead.") % {"email": user.email}
        )
    _take_place(locked)
    user.group, user.is_active = locked, True
    user.save(update_fields=["group", "is_active"])
    audit_record(
        action=AuditEvent.Action.MEMBER_RESTORED,
        actor=actor,
        ip=ip,
        target=user,
        group_id=locked.pk,
    )
    standing_changed.send(sender=User, group_ids=[locked.pk], user_ids=[user.pk])
    group.member_count = locked.member_count
    return user


def member_add_or_restore(
    *, group: Group, email: str, display_name: str = "", actor: User, ip: str | None = None
) -> User:
    """Organisers: restore the member without a group who has this email, else add a new
    member (an account in a group or on the staff stays EmailTaken)."""
    if not permissions.may_manage_members(actor):
        raise PermissionDenied(_("Only organisers can do this."))
    existing = User.objects.filter(email=normalize_email(email)).first()
    if existing is not None and existing.is_member and existing.group_id is None:
        return member_restore(user=existing, group=group, actor=actor, ip=ip)
    return member_add(group=group, email=email, display_name=display_name, actor=actor, ip=ip)


class SelfRemoval(Conflict):
    def __init__(self):
        super().__init__(
            "You cannot remove yourself from the group: the group would be left without a "
            "leader and you could no longer sign in. Hand on leadership first; the new leader "
            "or an organiser can then remove you."
        )


def member_remove_check(*, user: User, actor: User | None) -> None:
    """Raise SelfRemoval when the actor would remove themselves (a leader's own row): pages
    ask before they confirm, member_remove asks again under the lock."""
    if actor is not None and actor.pk == user.pk:
        raise SelfRemoval()


@transaction.atomic
def member_remove(*, user: User, actor: User | None, ip: str | None = None) -> User:
    """Take a member out of their group. They keep their history but can no longer sign in,
    and their API tokens are revoked for good (a restore does not bring them back). Nobody
    removes themselves (SelfRemoval, 409): a leader hands on leadership first."""
    member_remove_check(user=user, actor=actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.group_id is None:
        raise Conflict(_("That person is not in a group."))
    group = _lock_groups(user.group_id)[user.group_id]
    _free_place(group)
    if group.leader_id == user.pk:
        Group.objects.filter(pk=group.pk).update(leader=None)
    user.group = None
    user.is_active = user.is_active and not user.is_member
    user.save(update_fields=["group", "is_active"])
    revoked = api_tokens_revoke_for_users(user_ids=[user.pk]) if user.is_member else 0
    audit_record(
        action=AuditEvent.Action.MEMBER_REMOVED,
        actor=actor,
        ip=ip,
        target=user,
        group_id=group.pk,
        tokens_revoked=revoked,
    )
    standing_changed.send(sender=User, group_ids=[group.pk], user_ids=[user.pk])
    return user


@transaction.atomic
def member_move(*, user: User, to_group: Group, actor: User | None, ip: str | None = None) -> User:
    """Move a member to another group, within the target's cap."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _refuse_closed(user)
    if not user.is_member:
        raise InvalidInput(_("Only members belong to a group."))
    if user.group_id == to_group.pk:
        return user
    locked = _lock_groups(user.group_id, to_group.pk)
    target = locked.get(to_group.pk)
    if target is None:
        raise NotFound(_("No such group."))
    _take_place(target)
    source = locked.get(user.group_id) if user.group_id is not None else None
    if source is not None:
        _free_place(source)
        if source.leader_id == user.pk:
            Group.objects.filter(pk=source.pk).update(leader=None)
    user.group, user.is_active = target, True
    user.save(update_fields=["group", "is_active"])
    audit_record(
        action=AuditEvent.Action.MEMBER_MOVED,
        actor=actor,
        ip=ip,
        target=user,
        from_group_id=source.pk if source else None,
        group_id=target.pk,
    )
    standing_changed.send(
        sender=User, group_ids=[target.pk] + ([source.pk] if source else []), user_ids=[user.pk]
    )
    return user
