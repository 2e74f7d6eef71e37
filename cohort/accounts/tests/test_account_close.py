"""Closing an account: confirmation with the sign-in secret, what is erased, and that the
person can no longer sign in or use a token. (What stays in boards and group figures, and
the mentor threads: dashboard/tests/test_account_close_effects.py.)"""

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from cohort.accounts.models import Group, Passkey, User
from cohort.accounts.services.closure import account_close
from cohort.accounts.services.members import member_move, member_restore
from cohort.accounts.tests.factories import (
    GROUP_PASSWORD,
    PERSONAL_PASSWORD,
    STAFF_PASSWORD,
    GroupFactory,
    MemberFactory,
    StaffFactory,
)
from cohort.accounts.tokens import api_token_create
from cohort.core.exceptions import Conflict, PermissionDenied
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db

CLOSE = {"understood": "on"}


def _signed_in(user, password) -> Client:
    client = Client()
    answer = client.post("/login/", {"email": user.email, "password": password})
    assert answer.status_code == 302, answer.content
    return client


def test_a_member_with_a_personal_password_closes_their_account():
    member = MemberFactory(has_personal_password=True, leetcode_username="ada_codes")
    email = member.email
    Passkey.objects.create(user=member, name="phone", credential_id="x", public_key=b"k")
    _, raw = api_token_create(user=member, name="script")
    other_session = _signed_in(member, PERSONAL_PASSWORD)
    client = _signed_in(member, PERSONAL_PASSWORD)
    assert client.get("/profile/close/").status_code == 200
    answer = client.post("/profile/close/", {**CLOSE, "secret": PERSONAL_PASSWORD})
    assert answer.status_code == 200 and "Your account is closed" in answer.content.decode()
    closed = User.objects.get(pk=member.pk)
    # Erased: name, email, LeetCode username; no way to sign in.
    assert closed.display_name == "Closed account"
    assert closed.email == f"closed-{member.pk}@closed.invalid"
    assert closed.leetcode_username == "" and closed.hide_name_outside_group
    assert not closed.is_active and closed.closed_at and not closed.has_usable_password()
    assert not Passkey.objects.filter(user=member).exists()
    assert not User.objects.filter(email=email).exists()
    # Kept: the group id (for the group's figures); the place in the group is freed.
    assert closed.group_id == member.group_id
    assert Group.objects.get(pk=member.group_id).member_count == 0
    # Sessions and tokens end; signing in fails with the old email and password.
    assert other_session.get("/profile/").status_code == 302
    assert client.get("/profile/").status_code == 302
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    again = Client().post("/login/", {"email": email, "password": PERSONAL_PASSWORD})
    assert again.status_code == 401
    event = AuditEvent.objects.get(action="account_closed")
    assert event.actor_id == member.pk and event.target_id == member.pk
    assert event.detail["by"] == "self" and event.detail["tokens_revoked"] == 1


def test_the_wrong_password_closes_nothing_and_says_so_by_the_field():
    member = MemberFactory(has_personal_password=True)
    client = _signed_in(member, PERSONAL_PASSWORD)
    answer = client.post("/profile/close/", {**CLOSE, "secret": GROUP_PASSWORD})
    assert answer.status_code == 422 and 'id="id_secret_error"' in answer.content.decode()
    assert User.objects.get(pk=member.pk).is_active


def test_the_box_must_be_ticked():
    member = MemberFactory(has_personal_password=True)
    client = _signed_in(member, PERSONAL_PASSWORD)
    answer = client.post("/profile/close/", {"secret": PERSONAL_PASSWORD})
    assert answer.status_code == 400 and User.objects.get(pk=member.pk).is_active


def test_a_group_password_member_confirms_by_the_link_emailed_to_them():
    member = MemberFactory()
    client = _signed_in(member, GROUP_PASSWORD)
    answer = client.post("/profile/close/", {**CLOSE, "secret": GROUP_PASSWORD})
    assert answer.status_code == 200 and "Check your email" in answer.content.decode()
    assert User.objects.get(pk=member.pk).is_active  # nothing closed yet
    assert [m.to for m in mail.outbox] == [[member.email]]
    link = re.search(r"http://testserver(/profile/close/confirm/\S+/)", mail.outbox[0].body)[1]
    # Someone else in the group (who knows the group password) cannot use it.
    neighbour = MemberFactory(group=member.group)
    assert _signed_in(neighbour, GROUP_PASSWORD).post(link).status_code == 404
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 200
    assert not User.objects.get(pk=member.pk).is_active
    assert client.post(link).status_code == 302  # signed out; the link is dead with the account


def test_a_group_password_member_with_the_wrong_group_password_gets_no_email():
    member = MemberFactory()
    client = _signed_in(member, GROUP_PASSWORD)
    answer = client.post("/profile/close/", {**CLOSE, "secret": "not-the-group-password"})
    assert answer.status_code == 422 and mail.outbox == []


def test_the_link_dies_when_the_group_password_changes():
    member = MemberFactory()
    client = _signed_in(member, GROUP_PASSWORD)
    client.post("/profile/close/", {**CLOSE, "secret": GROUP_PASSWORD})
    link = re.search(r"http://testserver(/profile/close/confirm/\S+/)", mail.outbox[0].body)[1]
    Group.objects.filter(pk=member.group_id).update(password=make_password(GROUP_PASSWORD))
    assert client.get(link).status_code in (302, 404)  # the session ended too, or 404


def test_an_organiser_closes_a_members_account_on_request_audited_with_the_actor():
    organiser = StaffFactory()
    TOTPDevice.objects.create(user=organiser, name="phone", confirmed=True)
    member = MemberFactory()
    client = Client()
    client.force_login(organiser)
    session = client.session
    session["otp_device_id"] = "x"
    session["cohort_2fa_user"] = organiser.pk
    session.save()
    page = client.get(f"/people/{member.pk}/close/")
    assert page.status_code == 200 and member.email in page.content.decode()
    assert User.objects.get(pk=member.pk).is_active  # a GET writes nothing
    answer = client.post(f"/people/{member.pk}/close/", {"confirmed": "yes"})
    assert answer.status_code == 302
    assert not User.objects.get(pk=member.pk).is_active
    event = AuditEvent.objects.get(action="account_closed")
    assert event.actor_id == organiser.pk and event.detail["by"] == "organiser"


@pytest.mark.parametrize("role", [User.Role.MEMBER, User.Role.MENTOR, User.Role.COORDINATOR])
def test_nobody_else_closes_someone_elses_account(role):
    member = MemberFactory()
    if role == User.Role.MEMBER:
        other = MemberFactory(group=member.group)
    else:
        other = StaffFactory(role=role)
    client = Client()
    client.force_login(other)
    answer = client.post(f"/people/{member.pk}/close/", {"confirmed": "yes"})
    assert answer.status_code in (403, 404)
    assert User.objects.get(pk=member.pk).is_active
    with pytest.raises(PermissionDenied):
        account_close(user=member, actor=other)


def test_a_leader_closing_leaves_the_group_without_a_leader():
    member = MemberFactory(has_personal_password=True)
    Group.objects.filter(pk=member.group_id).update(leader=member)
    account_close(user=member, actor=member)
    assert Group.objects.get(pk=member.group_id).leader_id is None


def test_a_closed_account_is_never_moved_restored_or_closed_twice():
    member = MemberFactory()
    account_close(user=member, actor=member)
    with pytest.raises(Conflict):
        member_move(user=member, to_group=GroupFactory(), actor=StaffFactory())
    with pytest.raises(Conflict):
        member_restore(user=member, group=GroupFactory(), actor=StaffFactory())
    with pytest.raises(Conflict):
        account_close(user=member, actor=member)
    assert not User.objects.get(pk=member.pk).is_active


def test_the_last_organiser_cannot_close_their_account():
    organiser = StaffFactory()
    with pytest.raises(Conflict):
        account_close(user=organiser, actor=organiser)
    second = StaffFactory()
    account_close(user=organiser, actor=organiser)
    assert not User.objects.get(pk=organiser.pk).is_active and second.is_active


def test_a_staff_member_confirms_with_their_own_password():
    mentor = StaffFactory(role=User.Role.MENTOR)
    client = _signed_in(mentor, STAFF_PASSWORD)
    answer = client.post("/profile/close/", {**CLOSE, "secret": STAFF_PASSWORD})
    assert answer.status_code == 200 and not User.objects.get(pk=mentor.pk).is_active


def test_the_admin_action_leads_to_the_confirmation_and_a_closed_account_is_read_only():
    organiser = StaffFactory()
    member = MemberFactory()
    client = Client()
    client.force_login(organiser)
    changelist = "/admin/accounts/user/"
    answer = client.post(
        changelist, {"action": "close_account", "_selected_action": [member.pk], "index": 0}
    )
    assert answer.status_code == 302 and answer["Location"] == f"/people/{member.pk}/close/"
    two = client.post(
        changelist,
        {"action": "close_account", "_selected_action": [member.pk, organiser.pk], "index": 0},
        follow=True,
    )
    assert "Select exactly one account to close." in two.content.decode()
    account_close(user=member, actor=organiser)
    page = client.get(f"/admin/accounts/user/{member.pk}/change/").content.decode()
    assert 'name="email"' not in page and "closed.invalid" in page


def test_the_erased_email_is_free_for_a_new_account_later():
    from cohort.accounts.services.members import member_add

    member = MemberFactory(email="returning@example.org")
    account_close(user=member, actor=member)
    fresh = member_add(group=GroupFactory(), email="returning@example.org", display_name="Back")
    assert fresh.pk != member.pk and fresh.is_active
    assert User.objects.get(pk=member.pk).display_name == "Closed account"  # still closed
