"""Credits and titles: grants happen once, purchases never overspend, one title worn at a
time; the catalogue and the pages read only the viewer's own rows."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohort.accounts.tests.factories import MemberFactory, StaffFactory
from cohort.competition.models import CreditTransaction, Legacy, OwnedTitle, Wallet
from cohort.competition.selectors.rewards import equipped_titles, titles_for_member, wallet_summary
from cohort.competition.services.rewards import (
    credits_grant,
    credits_grant_many,
    title_equip,
    title_redeem,
    title_unequip,
    titles_grant_many,
)
from cohort.competition.tests.factories import TitleFactory
from cohort.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def _balance(user) -> int:
    return Wallet.objects.get(user=user).balance


def _fund(user, amount: int, key: str = "seed") -> None:
    credits_grant(user_id=user.pk, amount=amount, reason="test", source_key=f"{key}:{user.pk}")


# --- Grants ---------------------------------------------------------------------------------


def test_a_grant_makes_the_wallet_and_happens_once_per_key():
    member = MemberFactory()
    first = credits_grant(user_id=member.pk, amount=30, reason="Season 1", source_key="s1:m")
    again = credits_grant(user_id=member.pk, amount=30, reason="Season 1", source_key="s1:m")
    assert first.balance_after == 30 and again is None
    credits_grant(user_id=member.pk, amount=5, reason="Season 2", source_key="s2:m")
    assert _balance(member) == 35
    assert list(CreditTransaction.objects.values_list("balance_after", flat=True)) == [35, 30]


@pytest.mark.parametrize("amount", [0, -5, True])
def test_a_grant_must_be_positive(amount):
    with pytest.raises(InvalidInput):
        credits_grant(user_id=MemberFactory().pk, amount=amount, reason="x", source_key="k")
    assert not CreditTransaction.objects.exists()


def test_bulk_grants_keep_each_balance_after_and_are_idempotent():
    a, b = MemberFactory(), MemberFactory()
    _fund(a, 10)
    grants = [
        (b.pk, 7, "Season 1", "s1:b"),
        (a.pk, 20, "Season 1", "s1:a"),
        (a.pk, 3, "Champion bonus", "s1:a:bonus"),
        (a.pk, 3, "Champion bonus", "s1:a:bonus"),  # the same key twice counts once
    ]
    assert credits_grant_many(grants=grants) == 3
    assert credits_grant_many(grants=grants) == 0
    assert (_balance(a), _balance(b)) == (33, 7)
    history = CreditTransaction.objects.filter(wallet__user=a).order_by("id")
    assert [(t.amount, t.balance_after) for t in history] == [(10, 10), (20, 30), (3, 33)]


def test_bulk_grants_skip_keys_a_single_grant_used():
    member = MemberFactory()
    credits_grant(user_id=member.pk, amount=4, reason="x", source_key="s1:m")
    assert credits_grant_many(grants=[(member.pk, 4, "x", "s1:m")]) == 0
    assert _balance(member) == 4


def test_bulk_grants_cost_the_same_queries_for_3_and_30_members():
    def queries(n):
        members = MemberFactory.create_batch(n)
        grants = [(m.pk, 10, "Season", f"q{n}:{m.pk}") for m in members]
        with CaptureQueriesContext(connection) as ctx:
            credits_grant_many(grants=grants)
        return len(ctx.captured_queries)

    assert queries(3) == queries(30)


def test_a_bad_amount_in_a_bulk_grant_grants_nothing():
    member = MemberFactory()
    with pytest.raises(InvalidInput):
        credits_grant_many(grants=[(member.pk, 5, "x", "a"), (member.pk, 0, "x", "b")])
    assert not CreditTransaction.objects.exists()


def test_award_titles_are_given_once():
    champion = TitleFactory(award="champion", is_for_sale=False)
    members = MemberFactory.create_batch(3)
    ids = [m.pk for m in members]
    assert titles_grant_many(title=champion, user_ids=ids) == 3
    assert titles_grant_many(title=champion, user_ids=ids + ids) == 0
    assert OwnedTitle.objects.filter(title=champion).count() == 3


# --- Redeeming ------------------------------------------------------------------------------


def test_redeeming_debits_once_and_gives_the_title_leaving_legacy_alone():
    member = MemberFactory()
    Legacy.objects.create(user=member, score=1234)
    title = TitleFactory(cost=50)
    _fund(member, 80)
    bought = title_redeem(user=member, title_id=title.pk)
    assert (bought.cost, bought.balance, _balance(member)) == (50, 30, 30)
    debit = CreditTransaction.objects.get(amount__lt=0)
    assert (debit.amount, debit.balance_after) == (-50, 30)
    assert debit.source_key == f"title:{title.pk}:user:{member.pk}"
    assert OwnedTitle.objects.filter(user=member, title=title, is_equipped=False).exists()
    assert Legacy.objects.get(user=member).score == 1234


def test_redeeming_with_exactly_enough_leaves_zero():
    member = MemberFactory()
    _fund(member, 50)
    title_redeem(user=member, title_id=TitleFactory(cost=50).pk)
    assert _balance(member) == 0


def test_a_short_balance_is_a_conflict_saying_how_much_more():
    member = MemberFactory()
    _fund(member, 20)
    title = TitleFactory(cost=50, name="Trailblazer")
    with pytest.raises(Conflict, match="you need 30 more"):
        title_redeem(user=member, title_id=title.pk)
    assert _balance(member) == 20
    assert not OwnedTitle.objects.exists()


def test_without_a_wallet_the_refusal_leaves_no_wallet_behind():
    member = MemberFactory()
    with pytest.raises(Conflict, match="you need 50 more"):
        title_redeem(user=member, title_id=TitleFactory(cost=50).pk)
    assert not Wallet.objects.exists()


def test_redeeming_twice_is_a_conflict_and_charges_once():
    member = MemberFactory()
    _fund(member, 200)
    title = TitleFactory(cost=50)
    title_redeem(user=member, title_id=title.pk)
    with pytest.raises(Conflict, match="already own"):
        title_redeem(user=member, title_id=title.pk)
    assert _balance(member) == 150
    assert CreditTransaction.objects.filter(amount__lt=0).count() == 1


@pytest.mark.parametrize(
    "title_kwargs",
    [
        {"is_for_sale": False},
        {"award": "champion", "is_for_sale": False},
        {"award": "runner_up", "is_for_sale": True},  # an award is never for sale
    ],
)
def test_titles_not_for_sale_are_not_found(title_kwargs):
    member = MemberFactory()
    _fund(member, 500)
    with pytest.raises(NotFound):
        title_redeem(user=member, title_id=TitleFactory(**title_kwargs).pk)
    with pytest.raises(NotFound):
        title_redeem(user=member, title_id=999_999)
    assert _balance(member) == 500


def test_staff_do_not_redeem_or_wear_titles():
    organiser = StaffFactory()
    title = TitleFactory(cost=0)
    with pytest.raises(PermissionDenied):
        title_redeem(user=organiser, title_id=title.pk)
    with pytest.raises(PermissionDenied):
        title_equip(user=organiser, title_id=title.pk)


def test_a_free_title_writes_no_transaction():
    member = MemberFactory()
    title_redeem(user=member, title_id=TitleFactory(cost=0).pk)
    assert OwnedTitle.objects.filter(user=member).count() == 1
    assert not CreditTransaction.objects.exists()


# --- Wearing --------------------------------------------------------------------------------


def test_one_title_is_worn_at_a_time():
    member = MemberFactory()
    first, second = TitleFactory(), TitleFactory(award="champion", is_for_sale=False)
    titles_grant_many(title=first, user_ids=[member.pk])
    titles_grant_many(title=second, user_ids=[member.pk])
    assert title_equip(user=member, title_id=first.pk) == first
    assert title_equip(user=member, title_id=second.pk) == second
    assert title_equip(user=member, title_id=second.pk) == second  # again: no change
    assert equipped_titles([member.pk]) == {member.pk: second.name}
    assert title_unequip(user=member) == 1
    assert title_unequip(user=member) == 0
    assert equipped_titles([member.pk]) == {}


def test_an_unowned_title_cannot_be_worn():
    member, other = MemberFactory(), MemberFactory()
    theirs = TitleFactory()
    titles_grant_many(title=theirs, user_ids=[other.pk])
    with pytest.raises(NotFound):
        title_equip(user=member, title_id=theirs.pk)
    with pytest.raises(NotFound):
        title_equip(user=member, title_id=999_999)
    assert not OwnedTitle.objects.filter(is_equipped=True).exists()


# --- Reads ----------------------------------------------------------------------------------


def test_the_catalogue_shows_titles_for_sale_and_owned_awards_with_flags():
    member, other = MemberFactory(), MemberFactory()
    _fund(member, 60)
    cheap, dear = TitleFactory(cost=50, name="Cheap"), TitleFactory(cost=100, name="Dear")
    hidden = TitleFactory(is_for_sale=False, name="Hidden")
    champion = TitleFactory(award="champion", is_for_sale=False, cost=0, name="Champion")
    TitleFactory(award="runner_up", is_for_sale=True, name="Runner-up")  # not for sale
    titles_grant_many(title=champion, user_ids=[member.pk])
    titles_grant_many(title=hidden, user_ids=[other.pk])
    title_equip(user=member, title_id=champion.pk)

    rows = {row.name: row for row in titles_for_member(member)}
    assert list(rows) == ["Champion", "Cheap", "Dear"]
    assert (rows["Champion"].is_owned, rows["Champion"].is_equipped) == (True, True)
    assert rows["Champion"].is_for_sale is False and rows["Champion"].acquired_at
    assert (rows["Cheap"].is_owned, rows["Cheap"].is_affordable) == (False, True)
    assert rows["Dear"].is_affordable is False
    assert rows[cheap.name].id == cheap.pk and rows[dear.name].rarity == "common"


@pytest.mark.parametrize("count", [2, 20])
def test_the_catalogue_is_one_query_for_2_or_20_titles(django_assert_num_queries, count):
    member = MemberFactory()
    for title in TitleFactory.create_batch(count):
        titles_grant_many(title=title, user_ids=[member.pk])
    TitleFactory.create_batch(count)
    with django_assert_num_queries(1):  # titles with owned/equipped/balance subqueries
        assert len(titles_for_member(member)) == 2 * count


def test_equipped_titles_is_one_query_for_many_members(django_assert_num_queries):
    members = MemberFactory.create_batch(5)
    title = TitleFactory()
    titles_grant_many(title=title, user_ids=[m.pk for m in members])
    for member in members[:3]:
        title_equip(user=member, title_id=title.pk)
    with django_assert_num_queries(1):
        worn = equipped_titles(m.pk for m in members)
    assert worn == {m.pk: title.name for m in members[:3]}


def test_the_wallet_summary_is_the_members_own():
    member, other = MemberFactory(), MemberFactory()
    for n in range(7):
        credits_grant(user_id=member.pk, amount=n + 1, reason=f"r{n}", source_key=f"m{n}")
    _fund(other, 999)
    summary = wallet_summary(member)
    assert summary.balance == 28
    assert [t.reason for t in summary.transactions] == ["r6", "r5", "r4", "r3", "r2"]
    assert wallet_summary(MemberFactory()).balance == 0


# --- Pages ----------------------------------------------------------------------------------


@pytest.fixture
def member_client(client):
    member = MemberFactory()
    client.force_login(member)
    client.member = member
    return client


def test_htmx_redeem_answers_the_catalogue_with_the_new_balance(member_client):
    member = member_client.member
    _fund(member, 80)
    title = TitleFactory(cost=50, name="Pathfinder")
    url = reverse("competition:title-redeem", args=[title.pk])
    response = member_client.post(url, {"confirmed": "yes"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["competition/_titles.html"]
    body = response.content.decode()
    assert "30 credits" in body and "“Pathfinder” is yours." in body
    assert reverse("competition:title-equip", args=[title.pk]) in body
    assert 'hx-target="#titles"' in body


def test_htmx_errors_are_shown_inline_not_as_a_server_error(member_client):
    title = TitleFactory(cost=50)
    url = reverse("competition:title-redeem", args=[title.pk])
    response = member_client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "you need 50 more" in response.content.decode()
    missing = member_client.post(
        reverse("competition:title-equip", args=[999_999]), HTTP_HX_REQUEST="true"
    )
    assert missing.status_code == 200 and "You don&#x27;t own that title." in missing.text


def test_a_plain_post_redirects_to_the_season_page_with_a_message(member_client):
    member = member_client.member
    _fund(member, 50)
    title = TitleFactory(cost=50, name="Pathfinder")
    url = reverse("competition:title-redeem", args=[title.pk])
    response = member_client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302 and response["Location"] == "/season/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["“Pathfinder” is yours."]
    again = member_client.post(reverse("competition:title-redeem", args=[title.pk]))
    assert again.status_code == 302
    assert "already own" in [str(m) for m in get_messages(again.wsgi_request)][-1]


def test_posted_amounts_and_balances_are_ignored(member_client):
    member = member_client.member
    title = TitleFactory(cost=50)
    url = reverse("competition:title-redeem", args=[title.pk])
    member_client.post(url, {"amount": 1000, "balance": 1000, "cost": 0}, HTTP_HX_REQUEST="true")
    assert not OwnedTitle.objects.filter(user=member).exists()
    assert not Wallet.objects.filter(user=member, balance__gt=0).exists()


def test_equip_and_unequip_pages(member_client):
    member = member_client.member
    title = TitleFactory()
    titles_grant_many(title=title, user_ids=[member.pk])
    member_client.post(reverse("competition:title-equip", args=[title.pk]))
    assert equipped_titles([member.pk]) == {member.pk: title.name}
    response = member_client.post(reverse("competition:title-unequip"), HTTP_HX_REQUEST="true")
    assert "Take off" not in response.text and "Wear" in response.text
    assert equipped_titles([member.pk]) == {}


def test_the_pages_are_post_only_signed_in_and_csrf_checked(client):
    url = reverse("competition:title-unequip")
    signed_out = client.post(url)
    assert signed_out.status_code == 302 and "next=" in signed_out["Location"]
    member = MemberFactory()
    client.force_login(member)
    assert client.get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post(url).status_code == 403


def test_staff_get_a_message_not_an_error(client):
    client.force_login(StaffFactory())
    title = TitleFactory()
    response = client.post(reverse("competition:title-redeem", args=[title.pk]))
    assert response.status_code == 302
    assert "Only members" in [str(m) for m in get_messages(response.wsgi_request)][0]


# --- Admin ----------------------------------------------------------------------------------

WALLET_INLINE = {"transactions-TOTAL_FORMS": "0", "transactions-INITIAL_FORMS": "0"}


def test_organisers_grant_credits_once_through_the_admin(client):
    client.force_login(StaffFactory())
    member = MemberFactory()
    _fund(member, 5)
    wallet = Wallet.objects.get(user=member)
    url = reverse("admin:competition_wallet_change", args=[wallet.pk])
    assert client.get(url).status_code == 200
    form = {"grant_amount": 25, "grant_reason": "Hackathon", "grant_key": "abc", **WALLET_INLINE}
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # a double submit: the same key
    assert _balance(member) == 30
    assert CreditTransaction.objects.filter(wallet=wallet).count() == 2
    assert client.get(reverse("admin:competition_wallet_changelist")).status_code == 200


def test_the_admin_never_edits_or_deletes_transactions(client):
    client.force_login(StaffFactory())
    member = MemberFactory()
    _fund(member, 5)
    wallet = Wallet.objects.get(user=member)
    page = client.get(reverse("admin:competition_wallet_change", args=[wallet.pk])).text
    assert 'name="transactions-0-amount"' not in page
    assert "transactions-0-DELETE" not in page
    delete = client.get(reverse("admin:competition_wallet_delete", args=[wallet.pk]))
    assert delete.status_code == 403


def test_organisers_give_titles_through_the_admin(client):
    client.force_login(StaffFactory())
    member, title = MemberFactory(), TitleFactory(award="champion", is_for_sale=False)
    response = client.post(
        reverse("admin:competition_ownedtitle_add"), {"user": member.pk, "title": title.pk}
    )
    assert response.status_code == 302
    assert OwnedTitle.objects.filter(user=member, title=title).count() == 1
    assert client.get(reverse("admin:competition_ownedtitle_changelist")).status_code == 200
    assert client.get(reverse("admin:competition_title_changelist")).status_code == 200
