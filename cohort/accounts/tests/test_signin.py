import datetime as dt

import pytest
import time_machine
from django.test import Client

from cohort.accounts.tests.factories import (
    GROUP_PASSWORD,
    STAFF_PASSWORD,
    MemberFactory,
    StaffFactory,
)
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db


def _login(client, email, password, **extra):
    return client.post(
        "/api/v1/auth/login", {"email": email, "password": password},
        content_type="application/json", **extra,
    )  # fmt: skip


def test_a_member_signs_in_with_the_group_password_whatever_the_email_case(client):
    member = MemberFactory(email="ana@example.com")
    response = _login(client, "  ANA@Example.com ", GROUP_PASSWORD)
    assert response.status_code == 200
    assert response.json()["group"]["id"] == member.group_id
    assert client.get("/api/v1/me").json()["email"] == "ana@example.com"
    assert AuditEvent.objects.filter(action="sign_in", actor=member).exists()


def test_staff_sign_in_with_their_own_password_not_a_group_one(client):
    organiser = StaffFactory()
    assert _login(client, organiser.email, GROUP_PASSWORD).status_code == 401
    assert _login(client, organiser.email, STAFF_PASSWORD).status_code == 200


def test_an_unknown_email_and_a_wrong_password_get_the_same_answer(client):
    MemberFactory(email="ana@example.com")
    wrong = _login(client, "ana@example.com", "not-the-password")
    unknown = _login(client, "nobody@example.com", GROUP_PASSWORD)
    assert (wrong.status_code, unknown.status_code) == (401, 401)
    assert wrong.json() == unknown.json() == {"detail": "That email and password do not match."}


def test_signing_in_gives_a_new_session_key(client):
    member = MemberFactory()
    session = client.session  # an anonymous session exists before signing in
    session["probe"] = 1
    session.save()
    before = session.session_key
    _login(client, member.email, GROUP_PASSWORD)
    assert client.cookies["sessionid"].value != before


def test_another_groups_password_does_not_open_this_account(client):
    from cohort.accounts.tests.factories import GroupFactory

    member = MemberFactory()
    other = GroupFactory()
    other.set_password("an-entirely-different-pass")
    other.save()
    assert _login(client, member.email, "an-entirely-different-pass").status_code == 401


def test_five_failures_lock_the_email_out_then_the_lockout_expires(client, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = "5/15m"
    member = MemberFactory(email="ana@example.com")
    start = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            assert _login(client, "ana@example.com", "wrong-guess").status_code == 401
        locked = _login(client, "ana@example.com", GROUP_PASSWORD)
        assert locked.status_code == 429
        assert "Too many failed sign-ins" in locked.json()["detail"]
        assert 0 < int(locked["Retry-After"]) <= 15 * 60
        # Another member on the same address is not affected.
        MemberFactory(email="ben@example.com", group=member.group)
        assert _login(client, "ben@example.com", GROUP_PASSWORD).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        assert _login(Client(), "ana@example.com", GROUP_PASSWORD).status_code == 200
    assert AuditEvent.objects.filter(action="sign_in_failed").count() == 5
    assert AuditEvent.objects.filter(action="lockout").count() == 1


def test_the_per_address_limit_is_separate_and_counts_every_email(client, settings):
    settings.LOGIN_FAILURES_PER_IP = "3/15m"
    MemberFactory(email="ana@example.com")
    for n in range(3):
        _login(client, f"guess{n}@example.com", "wrong", REMOTE_ADDR="203.0.113.9")
    from_there = _login(client, "ana@example.com", GROUP_PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert from_there.status_code == 429
    from_elsewhere = _login(client, "ana@example.com", GROUP_PASSWORD, REMOTE_ADDR="203.0.113.10")
    assert from_elsewhere.status_code == 200


def test_the_sign_in_page_says_when_locked_out(client):
    MemberFactory(email="ana@example.com")
    for _ in range(5):
        page = client.post("/login/", {"email": "ana@example.com", "password": "wrong"})
        assert "That email and password do not match." in page.content.decode()
    locked = client.post("/login/", {"email": "ana@example.com", "password": GROUP_PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()


def test_the_sign_in_page_signs_in_and_follows_a_safe_next(client):
    member = MemberFactory()
    ok = client.post(
        "/login/?next=/map/", {"email": member.email, "password": GROUP_PASSWORD, "next": "/map/"}
    )
    assert ok["Location"] == "/map/"
    client.logout()
    evil = client.post(
        "/login/",
        {"email": member.email, "password": GROUP_PASSWORD, "next": "https://evil.example/"},
    )
    assert evil["Location"] == "/"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ('{"email": "a@b.c"', 400),  # not JSON
        ('{"email": "a@b.c"}', 422),
        ('{"email": 5, "password": []}', 422),
        ("[]", 422),
    ],
)
def test_malformed_sign_in_bodies_get_4xx_with_detail(client, body, status):
    response = client.post("/api/v1/auth/login", body, content_type="application/json")
    assert response.status_code == status
    assert "detail" in response.json()


def test_logout_needs_csrf_and_then_ends_the_session():
    member = MemberFactory()
    client = Client(enforce_csrf_checks=True)
    _login(client, member.email, GROUP_PASSWORD)
    assert client.post("/api/v1/auth/logout").status_code == 403
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else None
    if token is None:
        client.get("/login/")
        token = client.cookies["csrftoken"].value
    assert client.post("/api/v1/auth/logout", HTTP_X_CSRFTOKEN=token).status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_api_sign_in_takes_json_only(client):
    member = MemberFactory()
    body = f'{{"email": "{member.email}", "password": "{GROUP_PASSWORD}"}}'
    plain = client.post("/api/v1/auth/login", body, content_type="text/plain")
    assert plain.status_code == 415
    assert plain.json() == {"detail": "Send the sign-in as JSON (Content-Type: application/json)."}
    assert client.get("/api/v1/me").status_code == 401


def test_api_sign_in_refuses_another_origin(client):
    member = MemberFactory()
    response = _login(client, member.email, GROUP_PASSWORD, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert "another site" in response.json()["detail"]
    assert not AuditEvent.objects.filter(action="sign_in").exists()
    assert _login(client, member.email, GROUP_PASSWORD).status_code == 200
