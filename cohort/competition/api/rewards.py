import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from cohort.accounts.auth import token_or_session
from cohort.competition.selectors.rewards import (
    credit_transactions_list,
    titles_for_member,
    wallet_balance,
)
from cohort.competition.services.rewards import title_equip, title_redeem, title_unequip
from cohort.core.pagination import CursorPagination

router = Router(tags=["rewards"], auth=token_or_session)

PAGE_SIZE = 20


class CreditTransactionOut(Schema):
    id: int
    amount: int  # positive when earned, negative when spent
    balance_after: int
    reason: str
    created_at: dt.datetime


class CreditsOut(Schema):
    balance: int
    results: list[CreditTransactionOut]  # newest first
    next: str | None
    previous: str | None


class TitleOut(Schema):
    id: int
    name: str
    description: str
    rarity: str  # common, rare, epic or legendary
    cost: int
    is_for_sale: bool
    is_owned: bool
    is_equipped: bool
    is_affordable: bool  # for sale, not owned, and the balance covers the cost
    acquired_at: dt.datetime | None


class RedemptionOut(Schema):
    title_id: int
    title: str
    cost: int
    balance: int  # after paying


class EquippedOut(Schema):
    equipped: str | None  # the title now worn, or none


@router.get("/credits", response=CreditsOut, summary="The viewer's credits")
def credits_list(request: HttpRequest, cursor: str | None = None):
    """The viewer's balance and their transactions, newest first, 20 a page; follow `next`
    for older ones."""
    paginator = CursorPagination(ordering=("-id",), page_size=PAGE_SIZE, max_page_size=100)
    page = paginator.paginate_queryset(
        credit_transactions_list(user_id=request.user.pk),
        pagination=paginator.Input(cursor=cursor, page_size=None),
        request=request,
    )
    return {"balance": wallet_balance(user_id=request.user.pk), **page}


@router.get("/titles", response=list[TitleOut], summary="The title catalogue")
def titles_list(request: HttpRequest):
    """Every title for sale and every title the viewer owns (awards included), cheapest
    first, with whether they own it, wear it, and can afford it now."""
    return titles_for_member(request.user)


@router.post("/titles/{title_id}/redeem", response=RedemptionOut, summary="Buy a title")
def title_redeem_endpoint(request: HttpRequest, title_id: int):
    """Members buy a title for sale with their credits. 404 when it is not for sale, 409
    when already owned or when the balance is short (the detail says how much more is
    needed), 403 for staff. No body is read."""
    bought = title_redeem(user=request.user, title_id=title_id)
    return {
        "title_id": bought.title.pk,
        "title": bought.title.name,
        "cost": bought.cost,
        "balance": bought.balance,
    }


@router.post("/titles/{title_id}/equip", response=EquippedOut, summary="Wear a title")
def title_equip_endpoint(request: HttpRequest, title_id: int):
    """Shows this title (one the viewer owns, else 404) beside their name instead of the
    one worn before."""
    return {"equipped": title_equip(user=request.user, title_id=title_id).name}


@router.post("/titles/unequip", response=EquippedOut, summary="Take the title off")
def title_unequip_endpoint(request: HttpRequest):
    """Wear no title. Fine when none is worn."""
    title_unequip(user=request.user)
    return {"equipped": None}
