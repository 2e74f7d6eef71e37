"""Items 1 and 10 of the review: an existing account is never handed to whoever names its
email (invite join, a leader's "add member", open sign-up, the organisers' API), and the
refusal reads the same whichever account the email has and wherever it is."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from cohort.accounts.models import User
from cohort.accounts.services.invites import invite_token_create
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.accounts.tokens import api_token_create
from system.security.conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: token cache dropped


def _remove_by_leader(side) -> str:
    """Side's leader removes side's member through the group page; their token's raw value."""
    _token, raw = api_token_create(user=side.member, name="old phone")
    leader = client_for(side.leader)
    url = reverse(
        "accounts:group-member-remove",
        kwargs={"group_id": side.group.pk, "user_id": side.member.pk},
    )
    assert leader.post(url, {"confirmed": "yes"}).status_code == 302
    return raw


def _join(group, email: str) -> tuple[Client, object]:
    visitor = Client()
    url = reverse("accounts:join", args=[invite_token_create(group=group)])
    return visitor, visitor.post(url, {"display_name": "Mallory", "email": email})


def _still_removed(user: User) -> None:
    user.refresh_from_db()
    assert (user.group_id, user.is_active) == (None, False)


def test_an_invite_holder_cannot_take_over_a_removed_member(world):
    victim = world.a.member
    raw = _remove_by_leader(world.a)
    visitor, response = _join(world.b.group, victim.email.upper())
    assert response.status_code == 409
    assert visitor.get("/api/v1/me").status_code == 401
    assert "_auth_user_id" not in visitor.session
    _still_removed(victim)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_leader_cannot_take_over_a_removed_member(world):
    victim = world.a.member
    raw = _remove_by_leader(world.a)
    leader = client_for(world.b.leader)
    url = reverse("accounts:group-member-add", kwargs={"group_id": world.b.group.pk})
    response = leader.post(url, {"email": victim.email, "display_name": "Mine now"})
    assert response.status_code == 409
    assert victim.email in response.content.decode()  # the form keeps what was typed
    _still_removed(victim)
    api = leader.post(
        f"/api/v1/groups/{world.b.group.pk}/members",
        {"email": victim.email},
        content_type="application/json",
    )
    assert api.status_code == 403
    _still_removed(victim)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_open_sign_up_cannot_take_over_a_removed_member(world, settings):
    settings.REGISTRATION_OPEN = True
    victim = world.a.member
    _remove_by_leader(world.a)
    visitor = Client()
    response = visitor.post(
        reverse("accounts:register"),
        {
            "group_name": "Hijackers",
            "display_name": "Mallory",
            "email": victim.email,
            "password": "hijack-the-whole-thing",
            "confirm": "hijack-the-whole-thing",
        },
    )
    assert response.status_code == 409
    assert visitor.get("/api/v1/me").status_code == 401
    _still_removed(victim)


def test_an_organiser_restores_and_the_old_token_stays_dead(world):
    victim = world.a.member
    raw = _remove_by_leader(world.a)
    organiser = client_for(world.organiser)
    response = organiser.post(
        f"/api/v1/groups/{world.b.group.pk}/members",
        {"email": victim.email},
        content_type="application/json",
    )
    assert response.status_code == 201
    victim.refresh_from_db()
    assert (victim.group_id, victim.is_active) == (world.b.group.pk, True)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def _answer(response, email: str) -> tuple[int, str]:
    """The status and the page, with what differs by design taken out: the typed email,
    the per-response CSRF mask and the (time-stamped) invite link a leader sees."""
    page = response.content.decode().replace(email, "EMAIL")
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "CSRF", page)
    page = re.sub(r'"X-CSRFToken": "[^"]*"', "CSRF", page)
    page = re.sub(r"/join/[^/\s\"<]+/", "/join/TOKEN/", page)
    return response.status_code, page


def test_the_invite_answers_alike_for_every_known_email(world):
    """Item 10: a removed member, another group's member, this group's member and a staff
    account get one answer, which names no group and no state."""
    _remove_by_leader(world.a)
    known = [world.a.member.email, world.a.leader.email, world.b.member.email]
    known.append(world.organiser.email)
    answers = {_answer(_join(world.b.group, email)[1], email) for email in known}
    assert len(answers) == 1
    ((status, page),) = answers
    assert status == 409
    for leak in ["another group", "already has an account", "already a member", "Alpha"]:
        assert leak not in page


def test_a_full_group_answers_alike_for_known_and_new_emails(world):
    full = GroupFactory(name="Full House")
    MemberFactory.create_batch(20, group=full)
    _remove_by_leader(world.a)
    emails = [world.a.member.email, world.b.member.email, "brand-new@example.com"]
    answers = {_answer(_join(full, email)[1], email) for email in emails}
    assert len(answers) == 1
    assert not User.objects.filter(email="brand-new@example.com").exists()


def test_a_leader_gets_one_answer_for_removed_and_elsewhere(world):
    _remove_by_leader(world.a)
    staff = StaffFactory(role="mentor")
    leader = client_for(world.b.leader)
    url = reverse("accounts:group-member-add", kwargs={"group_id": world.b.group.pk})
    emails = [world.a.member.email, world.a.leader.email, staff.email]
    answers = {_answer(leader.post(url, {"email": e, "display_name": "X"}), e) for e in emails}
    assert len(answers) == 1
    ((status, page),) = answers
    assert status == 409 and "another group" not in page and "Alpha" not in page
