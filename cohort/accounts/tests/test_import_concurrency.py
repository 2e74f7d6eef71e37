"""Members imports under real concurrency (threads, each with its own PostgreSQL
connection): the 20-member cap holds and moves do not deadlock with member_move."""

import io

import pytest

from cohort.accounts.models import Group, User
from cohort.accounts.services.imports import import_members
from cohort.accounts.services.members import member_move
from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.core.testing import race


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_imports_of_two_into_a_group_of_15_stop_at_the_cap(postgres_only):
    group = GroupFactory(name="Owls")
    MemberFactory.create_batch(15, group=group)

    def two(n):
        text = f"email,name\nr{n}a@example.com,A{n}\nr{n}b@example.com,B{n}\n"
        return import_members(io.StringIO(text), only_group=group)

    results, errors = race(two, 10)
    assert errors == []
    written = [r for r in results if r.written]
    assert len(written) == 2  # 15 + 2 + 2 = 19; a third would make 21
    assert all("would have 21 members" in r.errors[0][1] for r in results if not r.written)
    group.refresh_from_db()
    assert group.member_count == User.objects.filter(group=group).count() == 19


@pytest.mark.django_db(transaction=True)
def test_an_import_moving_members_and_member_moves_the_other_way_neither_deadlock(postgres_only):
    left, right = GroupFactory(name="Left"), GroupFactory(name="Right")
    lefts = MemberFactory.create_batch(8, group=left)
    rights = MemberFactory.create_batch(8, group=right)
    text = "email,name,group\n" + "".join(f"{u.email},{u.display_name},Right\n" for u in lefts)

    def run(n):
        if n == 0:
            return import_members(io.StringIO(text), move_members=True)
        return member_move(user=rights[n - 1], to_group=left, actor=None)

    results, errors = race(run, 9)
    assert errors == []
    assert results and next(r for r in results if hasattr(r, "written")).written
    left.refresh_from_db()
    right.refresh_from_db()
    assert (left.member_count, right.member_count) == (8, 8)
    for group in (left, right):
        assert User.objects.filter(group=group).count() == group.member_count
    assert set(Group.objects.values_list("name", flat=True)) == {"Left", "Right"}
