import datetime as dt

import pytest
import time_machine
from django.test import Client

from cohort.accounts.services.groups import group_password_rotate
from cohort.accounts.tests.factories import GROUP_PASSWORD, GroupFactory, MemberFactory

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)


def _signed_in(member) -> Client:
    client = Client()
    response = client.post(
        "/api/v1/auth/login", {"email": member.email, "password": GROUP_PASSWORD},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200
    return client


def test_rotating_the_group_password_ends_its_members_sessions_only():
    group, other_group = GroupFactory(), GroupFactory()
    member, neighbour = MemberFactory(group=group), MemberFactory(group=other_group)
    mine, theirs = _signed_in(member), _signed_in(neighbour)
    group_password_rotate(group=group, password="a-brand-new-secret", actor=None)
    assert mine.get("/api/v1/me").status_code == 401
    assert theirs.get("/api/v1/me").status_code == 200
    assert mine.get("/").status_code == 302  # pages send them back to sign in
    again = mine.post(
        "/api/v1/auth/login", {"email": member.email, "password": "a-brand-new-secret"},
        content_type="application/json",
    )  # fmt: skip
    assert again.status_code == 200


def test_an_idle_session_ends_after_two_hours():
    member = MemberFactory()
    with time_machine.travel(START, tick=False):
        client = _signed_in(member)
    with time_machine.travel(START + dt.timedelta(hours=1, minutes=59), tick=False):
        assert client.get("/api/v1/me").status_code == 200
    with time_machine.travel(START + dt.timedelta(hours=3, minutes=50), tick=False):
        assert client.get("/api/v1/me").status_code == 200  # seen 1 h 51 ago: still alive
    with time_machine.travel(START + dt.timedelta(hours=5, minutes=51), tick=False):
        assert client.get("/api/v1/me").status_code == 401


def test_an_active_session_still_ends_after_24_hours():
    member = MemberFactory()
    with time_machine.travel(START, tick=False):
        client = _signed_in(member)
    for hour in range(1, 24):
        with time_machine.travel(START + dt.timedelta(hours=hour), tick=False):
            assert client.get("/api/v1/me").status_code == 200
    with time_machine.travel(START + dt.timedelta(hours=24, seconds=1), tick=False):
        assert client.get("/api/v1/me").status_code == 401
        page = client.get("/", follow=True)
        assert "Your session ended" in page.content.decode()


def test_a_removed_member_is_signed_out():
    from cohort.accounts.services.members import member_remove

    member = MemberFactory()
    client = _signed_in(member)
    member_remove(user=member, actor=None)
    assert client.get("/api/v1/me").status_code == 401
