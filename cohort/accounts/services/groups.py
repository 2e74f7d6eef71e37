from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cohort.accounts.models import Division, Group, User
from cohort.accounts.permissions import mentor_assigner_require
from cohort.accounts.selectors import group_members_key
from cohort.accounts.services.passwords import group_password_generate
from cohort.accounts.signals import group_password_rotated
from cohort.accounts.tokens import api_tokens_revoke_for_users
from cohort.core.caching import cache_forget_on_commit
from cohort.core.exceptions import Conflict, InvalidInput, NotFound
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record


def group_password_validate(password: str, *, group: Group | None = None) -> None:
    """Raise InvalidInput with every reason Django's validators give for a group password."""
    try:
        validate_password(password or "", user=None)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages)) from exc


def group_create(
    *,
    name: str,
    password: str,
    division: Division | None = None,
    actor: User | None = None,
    ip: str | None = None,
) -> Group:
    """Create a group with a validated, hashed shared password."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("A group needs a name."))
    if len(name) > 100:
        raise InvalidInput(_("A group name has at most 100 characters."))
    group_password_validate(password)
    group = Group(name=name, division=division)
    group.set_password(password)
    try:
        with transaction.atomic():
            group.save()
            audit_record(action=AuditEvent.Action.GROUP_CREATED, actor=actor, ip=ip, target=group)
    except IntegrityError as exc:
        raise Conflict(_("A group called %(repr)s already exists.") % {"repr": repr(name)}) from exc
    return group


GROUPS_AT_ONCE = 200


@transaction.atomic
def groups_create_bulk(
    *,
    names: list[str],
    division: Division | None = None,
    actor: User | None = None,
    ip: str | None = None,
) -> list[tuple[Group, str]]:
    """Create one group per name, each with a generated password, all or none (InvalidInput
    or Conflict naming the first problem). Returns (group, password): the passwords are
    shown once and never stored in the clear."""
    names = [n.strip() for n in names if n.strip()]
    if not names:
        raise InvalidInput("Give at least one group name, one a line.")
    if len(names) > GROUPS_AT_ONCE:
        raise InvalidInput(f"At most {GROUPS_AT_ONCE} groups at once.")
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise InvalidInput(f"{name!r} is named twice.")
        seen.add(name.lower())
    made = []
    for name in names:
        password = group_password_generate()
        group = group_create(name=name, password=password, division=division, actor=actor, ip=ip)
        made.append((group, password))
    return made


@transaction.atomic
def group_password_rotate(
    *, group: Group, password: str, actor: User | None, ip: str | None = None
) -> Group:
    """Set a new shared password. Every session signed in with the old one ends, and so does
    every API token of the group's members (whoever knew the old password could have signed
    in as a member and made one); the members are notified to create new ones."""
    group_password_validate(password, group=group)
    locked = Group.objects.select_for_update().get(pk=group.pk)
    locked.set_password(password)
    locked.save(update_fields=["password", "password_changed_at", "updated_at"])
    # Under the group's row lock, so a member joining now is either revoked or joins after.
    members = list(User.objects.filter(group=locked).values_list("pk", "is_active"))
    revoked = api_tokens_revoke_for_users(user_ids=[pk for pk, _active in members])
    audit_record(
        action=AuditEvent.Action.PASSWORD_ROTATED,
        actor=actor,
        ip=ip,
        target=locked,
        tokens_revoked=revoked,
    )
    actor_id = actor.pk if actor else None
    group_password_rotated.send(
        sender=Group,
        group_id=locked.pk,
        group_name=locked.name,
        member_ids=[pk for pk, active in members if active and pk != actor_id],
        actor_id=actor_id,
    )
    group.password, group.password_changed_at = locked.password, locked.password_changed_at
    return locked


@transaction.atomic
def group_leader_set(
    *, group: Group, user: User | None, actor: User | None, ip: str | None = None
) -> Group:
    """Hand leadership to a member of the group (or clear it with user=None)."""
    locked = Group.objects.select_for_update().get(pk=group.pk)
    if user is not None and (user.group_id != locked.pk or not user.is_active):
        raise NotFound(_("That person is not a member of this group."))
    previous = locked.leader_id
    locked.leader = user
    locked.save(update_fields=["leader", "updated_at"])
    audit_record(
        action=AuditEvent.Action.LEADER_CHANGED,
        actor=actor,
        ip=ip,
        target=locked,
        previous_leader_id=previous,
        leader_id=user.pk if user else None,
    )
    group.leader = user
    return locked


def group_members_forget(sender=None, group_ids=(), **kwargs) -> None:
    """Receiver of accounts.signals.standing_changed: drop those groups' cached member lists
    once the change commits."""
    cache_forget_on_commit(group_members_key(gid) for gid in set(group_ids) if gid)


def _group_for_assigner(*, viewer: User, group_id: int) -> Group:
    """The group, row-locked, if the viewer may assign its mentors: organisers any group,
    coordinators their division's (NotFound otherwise); other roles PermissionDenied."""
    mentor_assigner_require(viewer)
    group = Group.objects.for_viewer(viewer).select_for_update().filter(pk=group_id).first()
    if group is None:
        raise NotFound(_("No such group."))
    return group


def _mentor_get(mentor_id: int) -> User:
    mentor = User.objects.filter(pk=mentor_id, is_active=True, role=User.Role.MENTOR).first()
    if mentor is None:
        raise InvalidInput(_("Choose an active mentor."))
    return mentor


def group_mentor_assign(*, viewer: User, group_id: int, mentor_id: int) -> Group:
    """Make the user a mentor of the group (nothing changes if they already are). 404 for a
    group outside the viewer's reach, 422 for a user who is not an active mentor. Audited."""
    with transaction.atomic():
        group = _group_for_assigner(viewer=viewer, group_id=group_id)
        group.mentors.add(_mentor_get(mentor_id))
        audit_record(
            action=AuditEvent.Action.MENTOR_ASSIGNED,
            actor=viewer,
            target=group,
            mentor_id=mentor_id,
        )
    return group


def group_mentor_unassign(*, viewer: User, group_id: int, mentor_id: int) -> Group:
    """Stop the user mentoring the group (nothing changes if they did not); checks as
    group_mentor_assign."""
    with transaction.atomic():
        group = _group_for_assigner(viewer=viewer, group_id=group_id)
        group.mentors.remove(_mentor_get(mentor_id))
        audit_record(
            action=AuditEvent.Action.MENTOR_UNASSIGNED,
            actor=viewer,
            target=group,
            mentor_id=mentor_id,
        )
    return group
