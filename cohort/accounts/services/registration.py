from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from cohort.accounts.models import Group, User
from cohort.accounts.services.groups import group_create, group_leader_set
from cohort.accounts.services.members import member_add
from cohort.core.exceptions import PermissionDenied


@transaction.atomic
def group_register(
    *, group_name: str, password: str, email: str, display_name: str, ip: str | None = None
) -> tuple[Group, User]:
    """Open sign-up: create a group and its first member, who leads it. REGISTRATION_OPEN only."""
    if not settings.REGISTRATION_OPEN:
        raise PermissionDenied(_("New groups are created by the organisers."))
    group = group_create(name=group_name, password=password, ip=ip)
    leader = member_add(group=group, email=email, display_name=display_name, ip=ip)
    group_leader_set(group=group, user=leader, actor=leader, ip=ip)
    return group, leader
