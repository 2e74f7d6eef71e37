"""The credits and titles API: the viewer's own wallet only, errors as {"detail": ...}, no
way for a member to grant themselves credits or titles."""

import pytest

from cohort.accounts.tests.factories import MemberFactory, StaffFactory
from cohort.competition.models import CreditTransaction, OwnedTitle, Wallet
from cohort.competition.services.rewards import credits_grant, titles_grant_many
from cohort.competition.tests.factories import TitleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    member = MemberFactory()
    client.force_login(member)
    return member


def _grant(user, n: int, amount: int = 10) -> None:
    for i in range(n):
        credits_grant(
            user_id=user.pk, amount=amount, reason=f"grant {i}", source_key=f"g{i}:{user.pk}"
        )


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


# --- Credits --------------------------------------------------------------------------------


def test_credits_pages_the_viewers_transactions_newest_first(client, member):
    _grant(member, 25, amount=2)
    _grant(MemberFactory(), 3, amount=100)  # someone else's
    first = client.get("/api/v1/credits").json()
    assert first["balance"] == 50
    assert [t["reason"] for t in first["results"]] == [f"grant {i}" for i in range(24, 4, -1)]
    assert first["results"][0]["balance_after"] == 50 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert [t["reason"] for t in second["results"]] == [f"grant {i}" for i in range(4, -1, -1)]
    assert second["next"] is None and second["balance"] == 50
    assert set(first["results"][0]) == {"id", "amount", "balance_after", "reason", "created_at"}


def test_credits_before_any_grant_are_zero(client, member):
    assert client.get("/api/v1/credits").json() == {
        "balance": 0,
        "results": [],
        "next": None,
        "previous": None,
    }


@pytest.mark.parametrize("count", [2, 20])
def test_credits_cost_the_same_queries_for_2_and_20_transactions(
    client, member, django_assert_num_queries, settings, count
):
    _grant(member, count)
    client.get("/api/v1/credits")  # stamps the session's last-seen time
    # (the session, when sessions live in the database), the user, the page of
    # transactions, the balance
    with django_assert_num_queries(3 + settings.SESSION_ENGINE.endswith(".db")):
        assert len(client.get("/api/v1/credits").json()["results"]) == count


def test_a_forged_cursor_is_a_clear_error(client, member):
    response = client.get("/api/v1/credits?cursor=%%%not-base64")
    assert response.status_code == 422
    assert "detail" in response.json()


# --- The catalogue --------------------------------------------------------------------------


def test_titles_show_owned_equipped_and_affordable(client, member):
    _grant(member, 1, amount=60)
    cheap, dear = TitleFactory(cost=50, name="Cheap"), TitleFactory(cost=70, name="Dear")
    champion = TitleFactory(cost=0, award="champion", is_for_sale=False, name="Champion")
    TitleFactory(award="runner_up", name="Runner-up")  # an award: never in the shop
    titles_grant_many(title=champion, user_ids=[member.pk])
    _post(client, f"/api/v1/titles/{champion.pk}/equip")
    rows = {t["name"]: t for t in client.get("/api/v1/titles").json()}
    assert list(rows) == ["Champion", "Cheap", "Dear"]
    assert rows["Champion"]["is_owned"] and rows["Champion"]["is_equipped"]
    assert not rows["Champion"]["is_for_sale"] and not rows["Champion"]["is_affordable"]
    assert rows["Cheap"]["is_affordable"] and not rows["Cheap"]["is_owned"]
    assert not rows["Dear"]["is_affordable"]
    assert rows["Cheap"]["id"] == cheap.pk and rows["Dear"]["id"] == dear.pk


@pytest.mark.parametrize("count", [2, 20])
def test_titles_cost_the_same_queries_for_2_and_20_titles(
    client, member, django_assert_num_queries, settings, count
):
    for title in TitleFactory.create_batch(count):
        titles_grant_many(title=title, user_ids=[member.pk])
    TitleFactory.create_batch(count)
    client.get("/api/v1/titles")  # stamps the session's last-seen time
    # (the session, when sessions live in the database), the user, the titles with their
    # owned/equipped/balance subqueries
    with django_assert_num_queries(2 + settings.SESSION_ENGINE.endswith(".db")):
        assert len(client.get("/api/v1/titles").json()) == 2 * count


# --- Redeeming and wearing ------------------------------------------------------------------


def test_redeem_then_wear_then_take_off(client, member):
    _grant(member, 1, amount=80)
    title = TitleFactory(cost=50, name="Pathfinder")
    bought = _post(client, f"/api/v1/titles/{title.pk}/redeem")
    assert bought.status_code == 200
    assert bought.json() == {"title_id": title.pk, "title": "Pathfinder", "cost": 50, "balance": 30}
    worn = _post(client, f"/api/v1/titles/{title.pk}/equip")
    assert worn.json() == {"equipped": "Pathfinder"}
    assert _post(client, "/api/v1/titles/unequip").json() == {"equipped": None}
    assert _post(client, "/api/v1/titles/unequip").status_code == 200


def test_a_double_click_redeem_writes_one_transaction(client, member):
    _grant(member, 1, amount=200)
    title = TitleFactory(cost=50)
    assert _post(client, f"/api/v1/titles/{title.pk}/redeem").status_code == 200
    again = _post(client, f"/api/v1/titles/{title.pk}/redeem")
    assert again.status_code == 409 and "already own" in again.json()["detail"]
    assert CreditTransaction.objects.filter(amount__lt=0).count() == 1
    assert Wallet.objects.get(user=member).balance == 150


def test_a_short_balance_is_409_saying_how_much_more(client, member):
    _grant(member, 1, amount=20)
    title = TitleFactory(cost=50)
    response = _post(client, f"/api/v1/titles/{title.pk}/redeem")
    assert response.status_code == 409
    assert response.json() == {"detail": f"“{title.name}” costs 50 credits: you need 30 more."}


@pytest.mark.parametrize(
    "kwargs", [{"is_for_sale": False}, {"award": "champion", "is_for_sale": False}]
)
def test_titles_not_for_sale_are_404(client, member, kwargs):
    _grant(member, 1, amount=500)
    title = TitleFactory(**kwargs)
    response = _post(client, f"/api/v1/titles/{title.pk}/redeem")
    assert response.status_code == 404 and "detail" in response.json()
    assert _post(client, "/api/v1/titles/999999/redeem").status_code == 404


def test_a_member_cannot_grant_themselves_credits_or_titles(client, member):
    title = TitleFactory(cost=50)
    forged = {"amount": 1000, "balance": 1000, "cost": 0, "user_id": member.pk}
    response = _post(client, f"/api/v1/titles/{title.pk}/redeem", forged)
    assert response.status_code == 409
    assert not OwnedTitle.objects.filter(user=member).exists()
    assert not CreditTransaction.objects.exists()
    assert (
        client.post("/api/v1/credits", forged, content_type="application/json").status_code == 405
    )
    assert not Wallet.objects.filter(balance__gt=0).exists()


def test_wearing_an_unowned_title_is_404(client, member):
    someone = MemberFactory()
    title = TitleFactory()
    titles_grant_many(title=title, user_ids=[someone.pk])
    response = _post(client, f"/api/v1/titles/{title.pk}/equip")
    assert response.status_code == 404
    assert response.json() == {"detail": "You don't own that title."}


@pytest.mark.parametrize(
    "url", ["/api/v1/titles/abc/redeem", "/api/v1/titles/abc/equip", "/api/v1/titles/1.5/redeem"]
)
def test_a_malformed_id_is_422_not_500(client, member, url):
    response = _post(client, url)
    assert response.status_code == 422
    assert "detail" in response.json()


def test_staff_are_403(client):
    client.force_login(StaffFactory())
    title = TitleFactory()
    response = _post(client, f"/api/v1/titles/{title.pk}/redeem")
    assert response.status_code == 403 and "detail" in response.json()


def test_signed_out_is_401(client):
    assert client.get("/api/v1/credits").status_code == 401
    assert client.get("/api/v1/titles").status_code == 401
    assert _post(client, "/api/v1/titles/1/redeem").status_code == 401


def test_the_openapi_documents_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths["/api/v1/credits"]["get"]["summary"] == "The viewer's credits"
    assert paths["/api/v1/titles"]["get"]["summary"] == "The title catalogue"
    redeem = paths["/api/v1/titles/{title_id}/redeem"]["post"]
    assert redeem["summary"] == "Buy a title" and "409" in redeem["description"]
    assert "/api/v1/titles/{title_id}/equip" in paths and "/api/v1/titles/unequip" in paths
