"""A token's scope: `read` may only GET; `activity:write` may also log activity (tested in
activity/tests/test_activity_token_scopes.py); every other write by token is refused with
403, whatever the scope."""

import json

import pytest
from django.test import Client

from cohort.accounts.models import ApiToken
from cohort.accounts.tests.factories import MemberFactory, StaffFactory
from cohort.accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db

READ, ACTIVITY_WRITE = ApiToken.Scope.READ, ApiToken.Scope.ACTIVITY_WRITE


def _bearer(raw: str) -> Client:
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_new_tokens_are_read_only_by_default():
    token, _raw = api_token_create(user=MemberFactory(), name="script")
    assert token.scope == READ


@pytest.mark.parametrize("scope", [READ, ACTIVITY_WRITE])
def test_other_writes_by_token_are_refused_whatever_the_scope(scope):
    member = MemberFactory()
    _, raw = api_token_create(user=member, name="phone", scope=scope)
    client = _bearer(raw)
    for url, body in [
        ("/api/v1/notifications/read", {"all": True}),
        ("/api/v1/messages/threads", {"text": "hello"}),
        ("/api/v1/titles/unequip", {}),
    ]:
        response = client.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 403, url
        assert response.json()["detail"].startswith("This token's scope does not allow"), url


def test_a_mentor_or_organiser_token_cannot_review_or_correct_others():
    organiser = StaffFactory()
    _, raw = api_token_create(user=organiser, name="script", scope=ACTIVITY_WRITE)
    client = _bearer(raw)
    review = client.post(
        "/api/v1/submissions/1/review",
        json.dumps({"decision": "approve", "feedback": "ok"}),
        content_type="application/json",
    )
    assert review.status_code == 403
    bulk = client.post(
        "/api/v1/mentor/reviews", json.dumps({"ids": [1]}), content_type="application/json"
    )
    assert bulk.status_code == 403


def test_a_token_cannot_mint_tokens_or_manage_groups():
    organiser = StaffFactory()
    _, raw = api_token_create(user=organiser, name="script", scope=ACTIVITY_WRITE)
    client = _bearer(raw)
    # Session-only routes: without a session (and its CSRF pair) the token is not enough.
    mint = client.post("/api/v1/tokens", json.dumps({"name": "x"}), content_type="application/json")
    assert mint.status_code == 403
    group = client.post(
        "/api/v1/groups",
        json.dumps({"name": "Sneaky", "password": "a-long-enough-password"}),
        content_type="application/json",
    )
    assert group.status_code == 403
    assert not ApiToken.objects.filter(name="x").exists()


def test_the_api_creates_a_scoped_token_and_lists_scope_and_expiry(client):
    member = MemberFactory()
    client.force_login(member)
    created = client.post(
        "/api/v1/tokens",
        {"name": "Phone", "scope": "activity:write"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["scope"] == "activity:write"
    listed = client.get("/api/v1/tokens").json()[0]
    assert listed["scope"] == "activity:write" and listed["expires_at"]
    bad = client.post(
        "/api/v1/tokens", {"name": "x", "scope": "admin"}, content_type="application/json"
    )
    assert bad.status_code == 422


def test_the_profile_creates_a_scoped_token_and_shows_scope_and_expiry(client):
    member = MemberFactory()
    client.force_login(member)
    created = client.post("/profile/", {"name": "Phone", "scope": "activity:write"})
    assert created.status_code == 201
    assert ApiToken.objects.get(user=member).scope == ACTIVITY_WRITE
    page = client.get("/profile/").content.decode()
    assert "activity:write" in page and "Expires" in page
    bad = client.post("/profile/", {"name": "Phone", "scope": "everything"})
    assert bad.status_code == 422
    assert ApiToken.objects.filter(user=member).count() == 1
