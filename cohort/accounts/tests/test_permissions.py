"""cohort.accounts.permissions: each rule, and the places that once asked it differently."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cohort.accounts import permissions
from cohort.accounts.models import Group, User
from cohort.accounts.services.members import member_add_or_restore
from cohort.accounts.tests.factories import (
    DivisionFactory,
    GroupFactory,
    MemberFactory,
    StaffFactory,
)
from cohort.core.exceptions import PermissionDenied

pytestmark = pytest.mark.django_db

ROLES = {
    "member": MemberFactory.build,
    "mentor": lambda **kw: StaffFactory.build(role=User.Role.MENTOR, **kw),
    "coordinator": lambda **kw: StaffFactory.build(role=User.Role.COORDINATOR, **kw),
    "organiser": StaffFactory.build,
}


@pytest.mark.parametrize(
    ("rule", "allowed"),
    [
        (permissions.may_see_all_groups, {"organiser"}),
        (permissions.looks_after_groups, {"mentor", "coordinator", "organiser"}),
        (permissions.may_review, {"mentor", "coordinator", "organiser"}),
        (permissions.may_post_announcements, {"mentor", "coordinator", "organiser"}),
        (permissions.may_assign_mentors, {"coordinator", "organiser"}),
        (permissions.may_see_analytics, {"coordinator", "organiser"}),
        (permissions.may_see_device_overview, {"coordinator", "organiser"}),
        (permissions.may_connect_devices, {"member"}),
        (permissions.may_correct_activity, {"organiser"}),
        (permissions.may_manage_members, {"organiser"}),
        (permissions.may_read_any_thread, {"organiser"}),
        (permissions.may_address_everyone, {"organiser"}),
    ],
)
def test_each_rule_allows_its_roles_while_active_and_nobody_else(rule, allowed):
    for role, build in ROLES.items():
        assert rule(build()) is (role in allowed), role
        assert rule(build(is_active=False)) is False, role
    assert rule(AnonymousUser()) is False


def test_account_kinds_are_the_role_whatever_the_state():
    assert permissions.is_organiser(StaffFactory.build(is_active=False))
    assert permissions.is_member(MemberFactory.build())
    assert not permissions.is_member(AnonymousUser())
    assert permissions.may_log_activity(MemberFactory.build(is_active=False))
    assert not permissions.may_log_activity(StaffFactory.build())


def test_a_coordinator_addresses_only_their_own_division():
    mine, other = DivisionFactory(), DivisionFactory()
    coordinator = StaffFactory(role=User.Role.COORDINATOR, division=mine)
    assert permissions.may_address_division(coordinator, mine.pk)
    assert not permissions.may_address_division(coordinator, other.pk)
    assert not permissions.may_address_division(coordinator, None)
    assert permissions.may_address_division(StaffFactory(), other.pk)
    mentor = StaffFactory(role=User.Role.MENTOR, division=mine)
    assert not permissions.may_address_division(mentor, mine.pk)


def test_the_require_variants_raise_with_the_reason():
    member = MemberFactory.build()
    with pytest.raises(PermissionDenied, match="Only organisers can do this."):
        permissions.organiser_require(member)
    with pytest.raises(PermissionDenied, match="use the mentor pages"):
        permissions.reviewer_require(member)
    with pytest.raises(PermissionDenied, match="assign mentors"):
        permissions.mentor_assigner_require(StaffFactory.build(role=User.Role.MENTOR))
    with pytest.raises(PermissionDenied, match="Analytics"):
        permissions.analytics_viewer_require(StaffFactory.build(role=User.Role.MENTOR))
    permissions.organiser_require(StaffFactory.build())


def test_an_inactive_organiser_sees_no_users_as_they_see_no_groups():
    """UserQuerySet.for_viewer let an inactive organiser see everyone while
    GroupQuerySet.for_viewer gave them nothing."""
    MemberFactory()
    organiser = StaffFactory(is_active=False)
    assert not Group.objects.for_viewer(organiser).exists()
    assert not User.objects.for_viewer(organiser).exists()


def test_an_inactive_organiser_cannot_add_or_restore_members():
    """member_restore refused an inactive organiser; member_add_or_restore did not."""
    group = GroupFactory()
    organiser = StaffFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        member_add_or_restore(group=group, email="new@example.com", actor=organiser)
    assert not User.objects.filter(email="new@example.com").exists()
