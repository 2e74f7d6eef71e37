from io import StringIO

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.core.management import call_command

from cohort.accounts.models import Group, User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("assign_default_group", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def groupless(n: int) -> list[User]:
    return [MemberFactory(group=None) for _ in range(n)]


def test_moves_groupless_members_filling_to_20_then_a_second_group():
    members = groupless(25)
    MemberFactory(group=None, is_active=False)  # removed member: stays out
    StaffFactory()  # staff have no group: not a member

    out = run()

    first = Group.objects.get(name="Default group")
    second = Group.objects.get(name="Default group 2")
    assert (first.member_count, second.member_count) == (20, 5)
    assert User.objects.filter(group=first).count() == 20
    assert set(User.objects.filter(group__isnull=False).values_list("pk", flat=True)) == {
        m.pk for m in members
    }
    assert not is_password_usable(first.password)
    assert "Moved 25 member(s) into 2 group(s)" in out
    assert "Set the password" in out
    assert AuditEvent.objects.filter(action=AuditEvent.Action.MEMBER_MOVED).count() == 25


def test_fills_existing_default_group_with_room_first():
    existing = GroupFactory(name="Default group")
    for _ in range(18):
        MemberFactory(group=existing)
    groupless(3)

    out = run()

    existing.refresh_from_db()
    assert existing.member_count == 20
    assert Group.objects.get(name="Default group 2").member_count == 1
    assert "Default group: +2" in out


def test_dry_run_writes_nothing():
    groupless(3)

    out = run("--dry-run")

    assert "Dry run" in out
    assert "Would move 3 member(s)" in out
    assert not Group.objects.exists()
    assert not User.objects.filter(group__isnull=False).exists()
    assert not AuditEvent.objects.exists()


def test_running_twice_changes_nothing():
    groupless(21)
    run()
    groups_before = list(Group.objects.values_list("name", "member_count").order_by("name"))

    out = run()

    assert "nothing to do" in out
    assert list(Group.objects.values_list("name", "member_count").order_by("name")) == groups_before
