"""Reads of a member's credits and titles; each reads only the viewer's own rows."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from cohort.accounts.models import User
from cohort.competition.models import CreditTransaction, OwnedTitle, Title, Wallet

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

RECENT_TRANSACTIONS = 5


class _MemberTitle(TypedDict):
    is_owned: bool
    is_equipped: bool
    acquired_at: dt.datetime | None
    balance: int | None  # the member's credits; None before their first


@dataclass(frozen=True)
class WalletSummary:
    balance: int
    transactions: list[CreditTransaction]


@dataclass(frozen=True)
class TitleRow:
    id: int
    name: str
    description: str
    rarity: str
    rarity_label: str
    cost: int
    is_for_sale: bool
    is_owned: bool
    is_equipped: bool
    is_affordable: bool  # for sale, not owned, and the balance covers the cost
    acquired_at: dt.datetime | None


def wallet_summary(user: User, *, limit: int = RECENT_TRANSACTIONS) -> WalletSummary:
    """The member's balance (0 without a wallet) and their latest transactions, newest
    first. Two queries."""
    latest = list(credit_transactions_list(user_id=user.pk)[:limit])
    return WalletSummary(balance=wallet_balance(user_id=user.pk), transactions=latest)


def wallet_balance(*, user_id: int) -> int:
    """The member's balance; 0 before their first credit. One query."""
    balance = Wallet.objects.filter(user_id=user_id).values_list("balance", flat=True).first()
    return balance or 0


def credit_transactions_list(*, user_id: int) -> QuerySet[CreditTransaction]:
    """The member's own transactions; page them newest first by id."""
    return CreditTransaction.objects.filter(wallet__user_id=user_id).order_by("-id")


def titles_for_member(user: User) -> list[TitleRow]:
    """The catalogue as the member sees it: every title for sale plus the ones they own
    (awards included), cheapest first, with owned, equipped and affordable flags. One query
    whatever the number of titles."""
    owned = OwnedTitle.objects.filter(user_id=user.pk, title_id=OuterRef("pk"))
    rows = (
        Title.objects.annotate(
            is_owned=Exists(owned),
            is_equipped=Exists(owned.filter(is_equipped=True)),
            acquired_at=Subquery(owned.values("acquired_at")[:1]),
            balance=Subquery(Wallet.objects.filter(user_id=user.pk).values("balance")[:1]),
        )
        .filter(Q(is_for_sale=True, award="") | Q(is_owned=True))
        .order_by("cost", "name")
    )
    return [_title_row(t) for t in rows]


def equipped_titles(user_ids: Iterable[int]) -> dict[int, str]:
    """{user_id: the name of the title they wear} for those wearing one. One query."""
    return dict(
        OwnedTitle.objects.filter(user_id__in=list(user_ids), is_equipped=True).values_list(
            "user_id", "title__name"
        )
    )


def _title_row(title: "WithAnnotations[Title, _MemberTitle]") -> TitleRow:
    for_sale = title.is_for_sale and not title.award
    return TitleRow(
        id=title.pk,
        name=title.name,
        description=title.description,
        rarity=title.rarity,
        rarity_label=title.get_rarity_display(),
        cost=title.cost,
        is_for_sale=for_sale,
        is_owned=title.is_owned,
        is_equipped=title.is_equipped,
        is_affordable=for_sale and not title.is_owned and title.cost <= (title.balance or 0),
        acquired_at=title.acquired_at,
    )
