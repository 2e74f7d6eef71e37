"""Organisers can require a personal password of every member of a division: until they set
one, members signed in with the group password can do nothing but set it."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from cohort.accounts.models import Division
from cohort.accounts.tests.factories import (
    GROUP_PASSWORD,
    DivisionFactory,
    GroupFactory,
    MemberFactory,
    StaffFactory,
)
from cohort.accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db
MINE = "my-own-long-walk-secret"


def _member_of_strict_division(**traits):
    division = DivisionFactory(is_personal_password_required=True)
    return MemberFactory(group=GroupFactory(division=division), **traits)


def test_signing_in_with_the_group_password_leads_straight_to_setting_one():
    member = _member_of_strict_division()
    client = Client()
    signed_in = client.post("/login/", {"email": member.email, "password": GROUP_PASSWORD})
    assert signed_in.status_code == 302
    landing = client.get(signed_in["Location"])
    assert landing.status_code == 302
    assert landing["Location"].startswith(reverse("accounts:personal-password"))
    assert client.get(landing["Location"]).status_code == 200


def test_nothing_else_works_until_they_set_one(client):
    member = _member_of_strict_division()
    client.force_login(member)
    for url in ["/", "/profile/", "/group/", "/activity/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/profile/password/"), url
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and "personal password" in api.json()["detail"]
    assert client.post("/logout/").status_code == 302


def test_their_old_tokens_are_refused_too():
    member = _member_of_strict_division()
    _token, raw = api_token_create(user=member, name="phone")
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403 and "personal password" in response.json()["detail"]


def test_once_set_everything_opens(client):
    member = _member_of_strict_division()
    client.force_login(member)
    done = client.post(
        "/profile/password/",
        {"current": GROUP_PASSWORD, "password": MINE, "confirm": MINE},
    )
    assert done.status_code == 302
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/profile/").status_code == 200


def test_members_of_other_divisions_are_not_asked(client):
    member = MemberFactory(group=GroupFactory(division=DivisionFactory()))
    client.force_login(member)
    assert client.get("/api/v1/me").status_code == 200


def test_an_organiser_turns_it_on_in_the_admin(client):
    division = DivisionFactory()
    client.force_login(StaffFactory())
    url = reverse("admin:accounts_division_change", args=[division.pk])
    response = client.post(url, {"name": division.name, "is_personal_password_required": "on"})
    assert response.status_code == 302, response.content[:500]
    assert Division.objects.get(pk=division.pk).is_personal_password_required


def test_an_api_login_of_such_a_member_is_told_to_set_one():
    member = _member_of_strict_division()
    client = Client()
    response = client.post(
        "/api/v1/auth/login",
        json.dumps({"email": member.email, "password": GROUP_PASSWORD}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert client.get("/api/v1/me").status_code == 403
