"""Passkeys through their JSON endpoints, with a software authenticator (the browser's part
is in e2e/test_passkeys.py)."""

import json

import pytest
from django.test import Client

from cohort.accounts.models import Passkey, User
from cohort.accounts.services.personal_password import personal_password_clear
from cohort.accounts.tests.factories import GROUP_PASSWORD, PERSONAL_PASSWORD, MemberFactory
from cohort.accounts.tests.soft_authenticator import SoftAuthenticator
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def passkey_add(client: Client, authenticator: SoftAuthenticator, name="Phone") -> Passkey:
    options = _post(client, "/profile/passkeys/options/", {"password": PERSONAL_PASSWORD})
    assert options.status_code == 200, options.content
    credential = authenticator.create(options.json())
    added = _post(client, "/profile/passkeys/", {"name": name, "credential": credential})
    assert added.status_code == 201, added.content
    return Passkey.objects.get(pk=added.json()["id"])


def passkey_sign_in(client: Client, authenticator: SoftAuthenticator, user_id: int):
    options = _post(client, "/login/passkey/options/", {})
    assert options.status_code == 200
    credential = authenticator.get(options.json(), user_id=user_id)
    return _post(client, "/login/passkey/", {"credential": credential, "next": "/group/"})


def test_a_member_adds_a_passkey_and_signs_in_with_it_alone(client):
    member = MemberFactory(has_personal_password=True)
    client.force_login(member)
    authenticator = SoftAuthenticator()
    passkey = passkey_add(client, authenticator)
    assert (passkey.user, passkey.name) == (member, "Phone")
    visitor = Client()
    signed_in = passkey_sign_in(visitor, authenticator, member.pk)
    assert signed_in.status_code == 200 and signed_in.json() == {"redirect": "/group/"}
    assert visitor.get("/api/v1/me").json()["id"] == member.pk
    passkey.refresh_from_db()
    assert passkey.sign_count == 1 and passkey.last_used_at is not None
    assert AuditEvent.objects.filter(action="passkey_added", actor=member).exists()


def test_adding_one_needs_the_current_personal_password(client):
    member = MemberFactory(has_personal_password=True)
    client.force_login(member)
    wrong = _post(client, "/profile/passkeys/options/", {"password": GROUP_PASSWORD})
    assert wrong.status_code == 422 and "not right" in wrong.json()["detail"]


def test_a_member_without_a_personal_password_cannot_add_one(client):
    member = MemberFactory()
    client.force_login(member)
    refused = _post(client, "/profile/passkeys/options/", {"password": GROUP_PASSWORD})
    assert refused.status_code == 422 and "personal password first" in refused.json()["detail"]


def test_an_unknown_or_replayed_passkey_is_refused():
    member = MemberFactory(has_personal_password=True)
    adder = Client()
    adder.force_login(member)
    authenticator = SoftAuthenticator()
    passkey_add(adder, authenticator)
    stranger = SoftAuthenticator()
    refused = passkey_sign_in(Client(), stranger, member.pk)
    assert refused.status_code == 401 and "does not sign in here" in refused.json()["detail"]
    # The same signed answer twice: the challenge was used up by the first.
    visitor = Client()
    options = _post(visitor, "/login/passkey/options/", {}).json()
    credential = authenticator.get(options, user_id=member.pk)
    assert _post(visitor, "/login/passkey/", {"credential": credential}).status_code == 200
    replay = _post(Client(), "/login/passkey/", {"credential": credential})
    assert replay.status_code == 422 and "expired" in replay.json()["detail"]


def test_malformed_answers_are_a_clear_4xx(client):
    visitor = Client()
    _post(visitor, "/login/passkey/options/", {})
    for body in [{"credential": "not json"}, {"credential": {"id": 5}}, {}]:
        response = _post(visitor, "/login/passkey/", body)
        assert response.status_code == 422, body
        assert "detail" in response.json()
        _post(visitor, "/login/passkey/options/", {})
    bad_json = visitor.post("/login/passkey/", "{", content_type="application/json")
    assert bad_json.status_code == 422


def test_removing_a_passkey_and_clearing_the_password_end_it(client):
    member = MemberFactory(has_personal_password=True)
    client.force_login(member)
    authenticator = SoftAuthenticator()
    passkey = passkey_add(client, authenticator)
    assert client.post(f"/profile/passkeys/{passkey.pk}/remove/").status_code == 302
    assert not Passkey.objects.exists()
    passkey_add(client, authenticator)
    personal_password_clear(user=User.objects.get(pk=member.pk), actor=None)
    assert not Passkey.objects.exists()
    assert passkey_sign_in(Client(), authenticator, member.pk).status_code == 401


def test_another_members_passkey_cannot_be_removed(client):
    owner = MemberFactory(has_personal_password=True)
    owner_client = Client()
    owner_client.force_login(owner)
    passkey = passkey_add(owner_client, SoftAuthenticator())
    client.force_login(MemberFactory(group=owner.group, has_personal_password=True))
    assert client.post(f"/profile/passkeys/{passkey.pk}/remove/").status_code == 404
    assert Passkey.objects.filter(pk=passkey.pk).exists()
