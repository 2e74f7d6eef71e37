"""The 20-member cap under real concurrency: threads, each with its own PostgreSQL connection."""

import pytest
from django.db import IntegrityError, transaction

from cohort.accounts.models import Group, User
from cohort.accounts.services.members import GroupFull, member_add
from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.core.testing import race


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_adds_to_a_group_of_19_end_with_exactly_20(postgres_only):
    group = GroupFactory()
    MemberFactory.create_batch(19, group=group)

    results, errors = race(
        lambda n: member_add(group=group, email=f"racer{n}@example.com", display_name=f"R{n}"), 50
    )

    group.refresh_from_db()
    assert len(results) == 1
    assert len(errors) == 49
    assert all(isinstance(e, GroupFull) for e in errors)
    assert all(e.detail.endswith("a group has at most 20 members.") for e in errors)
    assert group.member_count == 20
    assert User.objects.filter(group=group).count() == 20


@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_between_two_groups_neither_deadlock_nor_break_the_cap(postgres_only):
    from cohort.accounts.services.members import member_move

    left, right = GroupFactory(), GroupFactory()
    lefts = MemberFactory.create_batch(10, group=left)
    rights = MemberFactory.create_batch(10, group=right)

    def swap(n):
        user, target = (lefts[n], right) if n < 10 else (rights[n - 10], left)
        return member_move(user=user, to_group=target, actor=None)

    results, errors = race(swap, 20)
    assert errors == []
    left.refresh_from_db()
    right.refresh_from_db()
    assert (left.member_count, right.member_count) == (10, 10)
    assert User.objects.filter(group=left).count() == 10


@pytest.mark.django_db
def test_the_database_refuses_a_21st_member_even_past_the_services():
    group = GroupFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Group.objects.filter(pk=group.pk).update(member_count=21)
