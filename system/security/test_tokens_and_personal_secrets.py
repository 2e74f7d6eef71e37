"""Review items 2 and 8, as an attacker tries them.

2: someone who learned the group password signs in as a member and mints a token to keep
   access after the leader rotates the password; a stolen read token tries to write.
8: a classmate who knows the shared password signs in as the leader, or as a member who
   has set a personal password; a member of a strict division skips setting one.
"""

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from cohort.accounts.tests.factories import (
    GROUP_PASSWORD,
    PERSONAL_PASSWORD,
    DivisionFactory,
    GroupFactory,
    MemberFactory,
)
from cohort.accounts.tokens import api_token_create
from system.security.conftest import client_for

NEW_GROUP_PASSWORD = "the-leader-changed-it-today"


def _api_login(client: Client, email: str, password: str):
    return client.post(
        "/api/v1/auth/login",
        json.dumps({"email": email, "password": password}),
        content_type="application/json",
    )


def _me(raw: str):
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db(transaction=True)  # real commits: the token lookups are cached
def test_a_token_minted_with_a_leaked_group_password_dies_with_the_rotation():
    group = GroupFactory()
    leader = MemberFactory(group=group, has_personal_password=True)
    group.leader = leader
    group.save()
    victim = MemberFactory(group=group)
    attacker = Client()
    assert _api_login(attacker, victim.email, GROUP_PASSWORD).status_code == 200
    minted = attacker.post(
        "/api/v1/tokens",
        json.dumps({"name": "backdoor", "scope": "activity:write"}),
        content_type="application/json",
    )
    assert minted.status_code == 201
    raw = minted.json()["token"]
    assert _me(raw).status_code == 200
    rotated = client_for(leader).post(
        f"/group/{group.pk}/password/",
        {"password": NEW_GROUP_PASSWORD, "confirm": NEW_GROUP_PASSWORD},
    )
    assert rotated.status_code == 302
    assert _me(raw).status_code == 401  # at once, though the lookup was cached
    assert attacker.get("/api/v1/me").status_code == 401  # and the session too
    assert _api_login(Client(), victim.email, GROUP_PASSWORD).status_code == 401


@pytest.mark.django_db
def test_a_stolen_read_token_cannot_write_anything():
    member = MemberFactory()
    _token, raw = api_token_create(user=member, name="dashboard widget")
    thief = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    day = timezone.localdate().isoformat()
    for method, url, body in [
        ("put", f"/api/v1/activity/{day}", {"steps": 99_999}),
        ("post", "/api/v1/notifications/read", {"all": True}),
        ("post", "/api/v1/messages/threads", {"text": "hi"}),
        ("post", "/api/v1/titles/unequip", {}),
    ]:
        response = getattr(thief, method)(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 403, url
        assert response.json()["detail"].startswith("This token's scope does not allow"), url


@pytest.mark.django_db
def test_an_activity_token_cannot_review_message_or_mint(world):
    _token, raw = api_token_create(user=world.a.mentor, name="script", scope="activity:write")
    thief = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for url, body, status in [
        (f"/api/v1/submissions/{world.a.submission.pk}/review", {"decision": "approve"}, 403),
        ("/api/v1/mentor/reviews", {"ids": [world.a.submission.pk], "decision": "approve"}, 403),
        (f"/api/v1/messages/threads/{world.a.thread.pk}", {"text": "as the mentor"}, 403),
        ("/api/v1/tokens", {"name": "another"}, 401),  # session-only: the token signs no one in
    ]:
        response = thief.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code == status, url
    world.a.submission.refresh_from_db()
    assert world.a.submission.reviewed_at is None


@pytest.mark.django_db
def test_an_expired_token_is_refused():
    token, raw = api_token_create(user=MemberFactory(), name="old phone")
    with time_machine.travel(token.expires_at + dt.timedelta(minutes=1)):
        response = _me(raw)
    assert response.status_code == 401 and "expired" in response.json()["detail"]


@pytest.mark.django_db
def test_the_group_password_no_longer_signs_in_as_a_member_with_their_own():
    group = GroupFactory()
    careful = MemberFactory(group=group, has_personal_password=True)
    assert _api_login(Client(), careful.email, GROUP_PASSWORD).status_code == 401
    page = Client().post("/login/", {"email": careful.email, "password": GROUP_PASSWORD})
    assert page.status_code == 401
    assert _api_login(Client(), careful.email, PERSONAL_PASSWORD).status_code == 200


@pytest.mark.django_db
def test_a_classmate_signed_in_as_a_leader_without_one_gets_no_leader_tools():
    group = GroupFactory()
    leader = MemberFactory(group=group)
    victim = MemberFactory(group=group)
    group.leader = leader
    group.save()
    classmate = Client()
    assert _api_login(classmate, leader.email, GROUP_PASSWORD).status_code == 200
    new = NEW_GROUP_PASSWORD
    rotate = classmate.post(f"/group/{group.pk}/password/", {"password": new, "confirm": new})
    remove = classmate.post(f"/group/{group.pk}/members/{victim.pk}/remove/")
    assert (rotate.status_code, remove.status_code) == (403, 403)
    group.refresh_from_db()
    assert group.check_password(GROUP_PASSWORD) and group.member_count == 2


@pytest.mark.django_db
def test_a_personal_password_equal_to_the_group_password_is_refused():
    member = MemberFactory()
    client = client_for(member)
    response = client.post(
        "/profile/password/",
        {"current": GROUP_PASSWORD, "password": GROUP_PASSWORD, "confirm": GROUP_PASSWORD},
    )
    assert response.status_code == 400
    member.refresh_from_db()
    assert not member.has_personal_password


@pytest.mark.django_db
def test_a_strict_divisions_member_cannot_skip_setting_one():
    member = MemberFactory(
        group=GroupFactory(division=DivisionFactory(is_personal_password_required=True))
    )
    client = Client()
    assert _api_login(client, member.email, GROUP_PASSWORD).status_code == 200
    assert client.get("/api/v1/messages/threads").status_code == 403
    assert client.get("/messages/").status_code == 302
    _token, raw = api_token_create(user=member, name="made before the rule")
    assert _me(raw).status_code == 403
