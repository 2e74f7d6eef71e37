"""Credits and titles under real concurrency: threads, each with its own PostgreSQL
connection, racing through the same services the pages and the API call."""

import pytest

from cohort.accounts.tests.factories import MemberFactory
from cohort.competition.models import CreditTransaction, OwnedTitle, Wallet
from cohort.competition.services.rewards import (
    credits_grant,
    credits_grant_many,
    title_equip,
    title_redeem,
    titles_grant_many,
)
from cohort.competition.tests.factories import TitleFactory
from cohort.core.exceptions import Conflict
from cohort.core.testing import race

pytestmark = pytest.mark.django_db(transaction=True)


def _history(member) -> list[tuple[int, int]]:
    rows = CreditTransaction.objects.filter(wallet__user=member).order_by("id")
    return list(rows.values_list("amount", "balance_after"))


def test_two_titles_bought_at_once_with_credits_for_one_only_one_succeeds(postgres_only):
    member = MemberFactory()
    credits_grant(user_id=member.pk, amount=60, reason="Season", source_key="s1")
    titles = [TitleFactory(cost=50), TitleFactory(cost=40)]

    results, errors = race(lambda n: title_redeem(user=member, title_id=titles[n].pk), 2)

    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], Conflict) and "more" in errors[0].detail
    assert Wallet.objects.get(user=member).balance == 60 - results[0].cost
    assert OwnedTitle.objects.filter(user=member).count() == 1
    assert _history(member) == [(60, 60), (-results[0].cost, 60 - results[0].cost)]


def test_many_buyers_of_many_titles_never_go_below_zero(postgres_only):
    member = MemberFactory()
    credits_grant(user_id=member.pk, amount=100, reason="Season", source_key="s1")
    titles = TitleFactory.create_batch(8, cost=30)

    results, errors = race(lambda n: title_redeem(user=member, title_id=titles[n].pk), 8)

    assert len(results) == 3 and all(isinstance(e, Conflict) for e in errors)
    assert Wallet.objects.get(user=member).balance == 10
    assert [after for _, after in _history(member)] == [100, 70, 40, 10]


def test_a_tenfold_double_click_on_redeem_writes_one_transaction(postgres_only):
    member = MemberFactory()
    credits_grant(user_id=member.pk, amount=500, reason="Season", source_key="s1")
    title = TitleFactory(cost=50)

    results, errors = race(lambda n: title_redeem(user=member, title_id=title.pk), 10)

    assert len(results) == 1 and len(errors) == 9
    assert all(isinstance(e, Conflict) and "already own" in e.detail for e in errors)
    assert CreditTransaction.objects.filter(amount__lt=0).count() == 1
    assert Wallet.objects.get(user=member).balance == 450


def test_the_same_grant_racing_in_ten_times_counts_once(postgres_only):
    member = MemberFactory()  # no wallet yet: the first grants race to make it too

    results, errors = race(
        lambda n: credits_grant(user_id=member.pk, amount=25, reason="x", source_key="once"), 10
    )

    assert errors == []
    assert sum(r is not None for r in results) == 1
    assert Wallet.objects.get(user=member).balance == 25
    assert Wallet.objects.filter(user=member).count() == 1


def test_different_grants_racing_for_a_new_wallet_all_count_in_order(postgres_only):
    member = MemberFactory()

    _, errors = race(
        lambda n: credits_grant(user_id=member.pk, amount=n + 1, reason="x", source_key=f"k{n}"),
        10,
    )

    assert errors == []
    assert Wallet.objects.get(user=member).balance == sum(range(1, 11))
    running = 0
    for amount, after in _history(member):
        running += amount
        assert after == running


def test_a_bulk_grant_racing_with_purchases_keeps_every_balance_right(postgres_only):
    members = MemberFactory.create_batch(6)
    for member in members:
        credits_grant(user_id=member.pk, amount=50, reason="seed", source_key=f"seed{member.pk}")
    title = TitleFactory(cost=50)
    grants = [(m.pk, 10, "Season 1", f"s1:{m.pk}") for m in members]

    def act(n):
        if n < 2:  # the season's end, run twice at once
            return credits_grant_many(grants=grants)
        return title_redeem(user=members[n - 2], title_id=title.pk)

    results, errors = race(act, 6)

    assert errors == []
    assert sorted(r for r in results if isinstance(r, int)) == [0, 6]
    for member in members[:4]:  # bought the title
        assert Wallet.objects.get(user=member).balance == 10
    for member in members[4:]:
        assert Wallet.objects.get(user=member).balance == 60
    for member in members:
        running = 0
        for amount, after in _history(member):
            running += amount
            assert after == running


def test_equipping_two_titles_at_once_leaves_exactly_one_worn(postgres_only):
    member = MemberFactory()
    titles = TitleFactory.create_batch(6)
    for title in titles:
        titles_grant_many(title=title, user_ids=[member.pk])

    _, errors = race(lambda n: title_equip(user=member, title_id=titles[n].pk), 6)

    assert errors == []
    assert OwnedTitle.objects.filter(user=member, is_equipped=True).count() == 1
