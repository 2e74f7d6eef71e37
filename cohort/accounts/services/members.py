from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F

from cohort.accounts.models import MAX_GROUP_MEMBERS, Group, User, normalize_email
from cohort.accounts.signals import standing_changed
from cohort.core.exceptions import Conflict, InvalidInput, NotFound
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record


class GroupFull(Conflict):
    def __init__(self, group: Group):
        super().__init__(f"{group.name} is full: a group has at most {MAX_GROUP_MEMBERS} members.")


def _lock_groups(*group_ids: int) -> dict[int, Group]:
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


def _clean_profile(email: str, display_name: str) -> tuple[str, str]:
    email = normalize_email(email)
    display_name = (display_name or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput("Enter a valid email address.") from None
    if len(email) > 254:  # the column's size; the validator allows up to 320
        raise InvalidInput("Enter a valid email address (at most 254 characters).")
    if not display_name:
        display_name = email.split("@", 1)[0]
    if len(display_name) > 100:
        raise InvalidInput("A name has at most 100 characters.")
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
    """Add a member by email: a new user, or a former member without a group coming back.

    The group's row lock serialises concurrent adds, so the cap holds under any load.
    """
    email, display_name = _clean_profile(email, display_name)
    locked = _lock_groups(group.pk).get(group.pk)
    if locked is None:
        raise NotFound("No such group.")
    existing = User.objects.select_for_update().filter(email=email).first()
    if existing is not None and (existing.group_id is not None or not existing.is_member):
        if existing.group_id == locked.pk:
            raise Conflict(f"{email} is already a member of {locked.name}.")
        raise Conflict(f"{email} already has an account in another group.")
    _take_place(locked)
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email, display_name, group=locked)
        except IntegrityError as exc:
            raise Conflict(f"{email} already has an account.") from exc
    else:
        user = existing
        user.group, user.is_active, user.display_name = locked, True, display_name
        user.save(update_fields=["group", "is_active", "display_name"])
    audit_record(action=action, actor=actor, ip=ip, target=user, group_id=locked.pk)
    standing_changed.send(sender=User, group_ids=[locked.pk])
    group.member_count = locked.member_count
    return user


@transaction.atomic
def member_remove(*, user: User, actor: User | None, ip: str | None = None) -> User:
    """Take a member out of their group. They keep their history but can no longer sign in."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.group_id is None:
        raise Conflict("That person is not in a group.")
    group = _lock_groups(user.group_id)[user.group_id]
    _free_place(group)
    if group.leader_id == user.pk:
        Group.objects.filter(pk=group.pk).update(leader=None)
    user.group = None
    user.is_active = user.is_active and not user.is_member
    user.save(update_fields=["group", "is_active"])
    audit_record(
        action=AuditEvent.Action.MEMBER_REMOVED, actor=actor, ip=ip, target=user, group_id=group.pk
    )
    standing_changed.send(sender=User, group_ids=[group.pk], user_ids=[user.pk])
    return user


@transaction.atomic
def member_move(*, user: User, to_group: Group, actor: User | None, ip: str | None = None) -> User:
    """Move a member to another group, within the target's cap."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_member:
        raise InvalidInput("Only members belong to a group.")
    if user.group_id == to_group.pk:
        return user
    locked = _lock_groups(user.group_id, to_group.pk)
    target = locked.get(to_group.pk)
    if target is None:
        raise NotFound("No such group.")
    _take_place(target)
    source = locked.get(user.group_id)
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
