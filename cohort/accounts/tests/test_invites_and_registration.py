import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from cohort.accounts.models import Group, User
from cohort.accounts.services.groups import group_password_rotate
from cohort.accounts.services.invites import invite_token_create
from cohort.accounts.tests.factories import GroupFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _join_url(group) -> str:
    return reverse("accounts:join", args=[invite_token_create(group=group)])


def test_joining_by_invite_adds_the_member_and_signs_them_in(client):
    group = GroupFactory()
    response = client.post(_join_url(group), {"display_name": "Nora", "email": "Nora@Example.com"})
    assert response.status_code == 302
    nora = User.objects.get(email="nora@example.com")
    assert nora.group_id == group.pk
    assert client.get("/api/v1/me").json()["id"] == nora.pk


def test_an_invite_expires_after_seven_days(client):
    group = GroupFactory()
    start = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        url = _join_url(group)
    with time_machine.travel(start + dt.timedelta(days=6, hours=23), tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(start + dt.timedelta(days=7, minutes=1), tick=False):
        expired = client.get(url)
        assert expired.status_code == 410
        assert "expired" in expired.content.decode()


def test_an_invite_dies_when_the_password_changes(client):
    group = GroupFactory()
    url = _join_url(group)
    group_password_rotate(group=group, password="a-whole-new-secret", actor=None)
    dead = client.post(url, {"display_name": "Late", "email": "late@example.com"})
    assert dead.status_code == 410
    assert "password has changed" in dead.content.decode()
    assert not User.objects.filter(email="late@example.com").exists()


def test_a_forged_invite_is_refused(client):
    group = GroupFactory()
    url = _join_url(group)
    assert client.get(url[:-3] + "xyz/").status_code == 410


def test_a_full_group_refuses_through_its_invite(client):
    group = GroupFactory()
    MemberFactory.create_batch(20, group=group)
    response = client.post(_join_url(group), {"display_name": "X", "email": "x@example.com"})
    assert response.status_code == 409
    assert not User.objects.filter(email="x@example.com").exists()


def test_an_invite_cannot_move_someone_from_another_group(client):
    group, elsewhere = GroupFactory(), MemberFactory()
    response = client.post(_join_url(group), {"display_name": "X", "email": elsewhere.email})
    assert response.status_code == 409
    elsewhere.refresh_from_db()
    assert elsewhere.group_id != group.pk


def test_registration_is_closed_by_default(client):
    assert client.get(reverse("accounts:register")).status_code == 404


def test_open_registration_creates_a_group_led_by_its_founder(client, settings):
    settings.REGISTRATION_OPEN = True
    data = {
        "group_name": "Early Birds",
        "display_name": "Fay",
        "email": "fay@example.com",
        "password": "sunrise-walkers-club",
        "confirm": "sunrise-walkers-club",
    }
    weak = client.post(reverse("accounts:register"), {**data, "password": "123", "confirm": "123"})
    assert weak.status_code == 422
    assert not Group.objects.exists()
    assert client.post(reverse("accounts:register"), data).status_code == 302
    group = Group.objects.get(name="Early Birds")
    assert (group.leader.email, group.member_count) == ("fay@example.com", 1)


def test_no_form_lets_a_member_change_their_own_group_or_role(client):
    member, other = MemberFactory(), GroupFactory()
    client.force_login(member)
    client.post("/profile/", {"name": "x", "group": other.pk, "role": "organiser"})
    client.post("/api/v1/tokens", {"name": "x", "group_id": other.pk, "role": "organiser"},
                content_type="application/json")  # fmt: skip
    member.refresh_from_db()
    assert (member.group_id, member.role) != (other.pk, "organiser")
    assert member.role == "member"


def test_an_invite_never_signs_in_as_a_removed_member(client):
    from cohort.accounts.services.members import member_remove

    former = MemberFactory(display_name="Rita")
    member_remove(user=former, actor=None)
    response = client.post(_join_url(GroupFactory()), {"display_name": "X", "email": former.email})
    assert response.status_code == 409
    assert "cannot join with an invite link" in response.content.decode()
    assert former.email in response.content.decode()  # the form keeps what was typed
    assert client.get("/api/v1/me").status_code == 401
    former.refresh_from_db()
    assert (former.group_id, former.is_active, former.display_name) == (None, False, "Rita")
