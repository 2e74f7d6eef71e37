"""One-off clean-ups of data from before every member had to belong to a group."""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F

from cohort.accounts.models import MAX_GROUP_MEMBERS, Group, User
from cohort.accounts.signals import member_joined, standing_changed
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

DEFAULT_GROUP_NAME = "Default group"
_DEFAULT_NAME = re.compile(r"^default group(?: ([0-9]+))?$", re.IGNORECASE)


@dataclass
class DefaultGroupPlacement:
    name: str
    group: Group | None  # None: the group is to be created
    members: list[User]
    created: bool = False


@dataclass
class DefaultGroupResult:
    moved: int = 0
    placements: list[DefaultGroupPlacement] = field(default_factory=list)

    @property
    def groups_created(self) -> list[str]:
        return [p.name for p in self.placements if p.created]


def _number(name: str) -> int:
    match = _DEFAULT_NAME.match(name)
    return int(match.group(1) or 1) if match else 0


def _plan(members: list[User], groups: list[Group]) -> list[DefaultGroupPlacement]:
    """Fill the existing default groups in number order, then create new ones."""
    placements, pending = [], list(members)
    for group in sorted(groups, key=lambda g: (_number(g.name), g.pk)):
        room = group.places_left
        if pending and room:
            placements.append(DefaultGroupPlacement(group.name, group, pending[:room]))
            pending = pending[room:]
    taken, number = {_number(g.name) for g in groups}, 0
    while pending:
        number += 1
        if number not in taken:
            name = DEFAULT_GROUP_NAME if number == 1 else f"{DEFAULT_GROUP_NAME} {number}"
            placements.append(DefaultGroupPlacement(name, None, pending[:MAX_GROUP_MEMBERS], True))
            pending = pending[MAX_GROUP_MEMBERS:]
    return placements


def _apply(placement: DefaultGroupPlacement, actor: User | None) -> None:
    group = placement.group
    if group is None:
        group = placement.group = Group(name=placement.name)
        group.set_password(None)  # unusable until an organiser sets one in the admin
        group.save()
        audit_record(action=AuditEvent.Action.GROUP_CREATED, actor=actor, target=group)
    ids = [member.pk for member in placement.members]
    User.objects.filter(pk__in=ids).update(group=group)
    # update() sends no post_save: tell the boards and the paths about the newcomers.
    member_joined.send(sender=User, user_ids=ids)
    standing_changed.send(sender=User, group_ids=[group.pk], user_ids=ids)
    added = len(ids)
    Group.objects.filter(pk=group.pk).update(member_count=F("member_count") + added)
    for member in placement.members:
        audit_record(
            action=AuditEvent.Action.MEMBER_MOVED,
            actor=actor,
            target=member,
            from_group_id=None,
            group_id=group.pk,
        )


@transaction.atomic
def assign_default_group(*, dry_run: bool = False, actor: User | None = None) -> DefaultGroupResult:
    """Put every active member without a group into a "Default group", 20 to a group.

    Locks the default groups, then the members (the order member_add uses: group, then
    user), so a concurrent add cannot overfill a group or take a member twice.
    """
    default_groups = list(
        Group.objects.select_for_update().filter(name__iregex=_DEFAULT_NAME.pattern).order_by("pk")
    )
    members = list(
        User.objects.select_for_update()
        .filter(role=User.Role.MEMBER, is_active=True, group__isnull=True)
        .order_by("pk")
    )
    placements = _plan(members, default_groups)
    if not dry_run:
        for placement in placements:
            _apply(placement, actor)
    return DefaultGroupResult(moved=len(members), placements=placements)
