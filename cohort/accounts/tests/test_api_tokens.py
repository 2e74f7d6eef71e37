import pytest
from django.test import Client

from cohort.accounts.models import ApiToken
from cohort.accounts.tests.factories import MemberFactory
from cohort.accounts.tokens import MAX_TOKENS, api_token_create, token_hash
from cohort.core.exceptions import InvalidInput
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_tokens_are_stored_hashed_and_shown_once(client):
    member = MemberFactory()
    client.force_login(member)
    created = client.post("/api/v1/tokens", {"name": "Shortcut"}, content_type="application/json")
    assert created.status_code == 201
    raw = created.json()["token"]
    stored = ApiToken.objects.get()
    assert stored.key_hash == token_hash(raw) and raw not in stored.key_hash
    listed = client.get("/api/v1/tokens").json()
    assert "token" not in listed[0] and listed[0]["prefix"] == raw[:10]
    assert AuditEvent.objects.filter(action="token_created", actor=member).exists()


@pytest.mark.django_db(transaction=True)  # real commits, so the cached lookup is dropped
def test_a_token_authenticates_me_and_revoking_it_ends_that(client):
    member = MemberFactory()
    _, raw = api_token_create(user=member, name="script")
    bearer = Client()
    assert bearer.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["id"] == member.pk
    client.force_login(member)
    token_id = ApiToken.objects.get().pk
    assert client.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    assert bearer.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_another_members_token_cannot_be_revoked(client):
    owner = MemberFactory()
    token, raw = api_token_create(user=owner, name="mine")
    client.force_login(MemberFactory(group=owner.group))
    assert client.delete(f"/api/v1/tokens/{token.pk}").status_code == 404
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_a_token_cannot_mint_more_tokens():
    member = MemberFactory()
    _, raw = api_token_create(user=member, name="script")
    response = Client().post(
        "/api/v1/tokens", {"name": "x"}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )  # fmt: skip
    assert response.status_code == 401


def test_a_removed_members_token_stops_working():
    from cohort.accounts.services.members import member_remove

    member = MemberFactory()
    _, raw = api_token_create(user=member, name="script")
    member_remove(user=member, actor=None)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_at_most_ten_live_tokens():
    member = MemberFactory()
    for n in range(MAX_TOKENS):
        api_token_create(user=member, name=f"t{n}")
    with pytest.raises(InvalidInput):
        api_token_create(user=member, name="one too many")


def test_the_profile_page_shows_a_new_token_once(client):
    member = MemberFactory()
    client.force_login(member)
    created = client.post("/profile/", {"name": "Phone"})
    assert created.status_code == 201
    raw = created.context["new_token"]["raw"]
    assert raw in created.content.decode()
    assert raw not in client.get("/profile/").content.decode()
    revoked = client.post("/profile/", {"revoke": ApiToken.objects.get().pk})
    assert revoked.status_code == 302
    assert ApiToken.objects.get().revoked_at is not None


@pytest.mark.django_db(transaction=True)
def test_removing_the_member_ends_their_token_at_once():
    from cohort.accounts.services.members import member_remove

    member = MemberFactory()
    _, raw = api_token_create(user=member, name="script")
    bearer = Client()
    assert bearer.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    member_remove(user=member, actor=None)
    assert bearer.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
