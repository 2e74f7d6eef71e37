"""Buying a title is one-way: the season page asks first (a page for a plain post, inline in
the catalogue for htmx) and spends nothing until the member confirms."""

import pytest
from django.urls import reverse

from cohort.accounts.tests.factories import MemberFactory
from cohort.competition.models import OwnedTitle, Wallet
from cohort.competition.services.rewards import credits_grant
from cohort.competition.tests.factories import TitleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client):
    member = MemberFactory()
    credits_grant(user_id=member.pk, amount=80, reason="test", source_key=f"seed:{member.pk}")
    client.force_login(member)
    client.member = member
    return client


def _balance(member) -> int:
    return Wallet.objects.get(user=member).balance


def test_a_plain_post_asks_first_and_spends_nothing(member_client):
    title = TitleFactory(cost=50, name="Pathfinder")
    url = reverse("competition:title-redeem", args=[title.pk])
    ask = member_client.post(url)
    assert ask.status_code == 200
    assert [t.name for t in ask.templates][0] == "confirm.html"
    body = ask.content.decode()
    assert "Buy “Pathfinder” for 50 credits?" in body
    assert "from 80 to 30 credits" in body
    assert not OwnedTitle.objects.filter(user=member_client.member).exists()
    assert _balance(member_client.member) == 80
    done = member_client.post(url, {"confirmed": "yes"})
    assert done.status_code == 302
    assert OwnedTitle.objects.filter(user=member_client.member, title=title).exists()
    assert _balance(member_client.member) == 30


def test_htmx_asks_inline_in_the_catalogue(member_client):
    title = TitleFactory(cost=50, name="Pathfinder")
    url = reverse("competition:title-redeem", args=[title.pk])
    ask = member_client.post(url, HTTP_HX_REQUEST="true")
    assert ask.status_code == 200
    assert [t.name for t in ask.templates][0] == "competition/_titles.html"
    body = ask.content.decode()
    assert "Buy “Pathfinder” for 50 credits?" in body and 'name="confirmed"' in body
    assert 'hx-target="#titles"' in body
    assert _balance(member_client.member) == 80
    done = member_client.post(url, {"confirmed": "yes"}, HTTP_HX_REQUEST="true")
    assert "“Pathfinder” is yours." in done.content.decode()
    assert _balance(member_client.member) == 30


def test_a_purchase_that_cannot_go_through_says_why_without_asking(member_client):
    dear = TitleFactory(cost=500, name="Too dear")
    response = member_client.post(reverse("competition:title-redeem", args=[dear.pk]))
    assert response.status_code == 302  # back to the season page with the reason
    assert _balance(member_client.member) == 80
