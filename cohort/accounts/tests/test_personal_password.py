"""A member's personal password: once set, the group password no longer signs in as them."""

import pytest
from django.test import Client
from django.urls import reverse

from cohort.accounts.models import ApiToken, User
from cohort.accounts.services.groups import group_password_rotate
from cohort.accounts.services.personal_password import personal_password_set
from cohort.accounts.tests.factories import (
    GROUP_PASSWORD,
    PERSONAL_PASSWORD,
    MemberFactory,
)
from cohort.accounts.tokens import api_token_create
from cohort.core.exceptions import InvalidInput
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db
MINE = "my-own-long-walk-secret"
URL = "/profile/password/"


def _login(email: str, password: str):
    return Client().post(
        "/api/v1/auth/login", {"email": email, "password": password},
        content_type="application/json",
    )  # fmt: skip


def _form(current: str, new: str = MINE, confirm: str | None = None) -> dict:
    return {"current": current, "password": new, "confirm": new if confirm is None else confirm}


def test_after_setting_one_only_the_personal_password_signs_in_as_the_member(client):
    member = MemberFactory()
    classmate = MemberFactory(group=member.group)
    client.force_login(member)
    response = client.post(URL, _form(GROUP_PASSWORD))
    assert response.status_code == 302
    assert _login(member.email, GROUP_PASSWORD).status_code == 401
    assert _login(member.email, MINE).status_code == 200
    assert _login(classmate.email, GROUP_PASSWORD).status_code == 200  # the others unchanged
    assert AuditEvent.objects.filter(action="personal_password_set", actor=member).exists()


def test_the_profile_page_offers_the_form(client):
    member = MemberFactory()
    client.force_login(member)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'action="/profile/password/"' in page and "Set a personal password" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_form("not-the-group-password"), "current", "not right"),
        (_form(GROUP_PASSWORD, confirm="something-else-entirely"), "confirm", "differ"),
        (_form(GROUP_PASSWORD, new="password1234"), "password", "too common"),
        (_form(GROUP_PASSWORD, new="short"), "password", "too short"),
        (_form(GROUP_PASSWORD, new=GROUP_PASSWORD), "password", "group password"),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(client, data, field, message):
    member = MemberFactory()
    client.force_login(member)
    response = client.post(URL, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert not User.objects.get(pk=member.pk).has_usable_password()


def test_a_member_with_one_must_give_it_not_the_group_password_to_change_it(client):
    member = MemberFactory(has_personal_password=True)
    client.force_login(member)
    assert client.post(URL, _form(GROUP_PASSWORD)).status_code == 400
    assert client.post(URL, _form(PERSONAL_PASSWORD)).status_code == 302
    assert _login(member.email, MINE).status_code == 200
    assert _login(member.email, PERSONAL_PASSWORD).status_code == 401


def test_setting_it_ends_the_members_other_sessions_and_tokens_but_not_this_one(client):
    member = MemberFactory()
    elsewhere = Client()
    elsewhere.force_login(member)
    _token, raw = api_token_create(user=member, name="phone")
    client.force_login(member)
    assert client.post(URL, _form(GROUP_PASSWORD)).status_code == 302
    assert client.get("/api/v1/me").status_code == 200
    assert elsewhere.get("/api/v1/me").status_code == 401
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert ApiToken.objects.get().revoked_at is not None


def test_rotating_the_group_password_leaves_personal_password_sessions_alone():
    member = MemberFactory(has_personal_password=True)
    signed_in = Client()
    assert signed_in.post(
        "/api/v1/auth/login", {"email": member.email, "password": PERSONAL_PASSWORD},
        content_type="application/json",
    ).status_code == 200  # fmt: skip
    group_password_rotate(group=member.group, password="a-brand-new-secret", actor=None)
    assert signed_in.get("/api/v1/me").status_code == 200


def test_the_service_validates_with_djangos_validators():
    member = MemberFactory()
    with pytest.raises(InvalidInput):
        personal_password_set(user=member, current=GROUP_PASSWORD, password="12345678901234")


def test_guessing_the_current_password_is_limited_like_sign_in(client):
    member = MemberFactory(has_personal_password=True)
    client.force_login(member)
    for _ in range(5):
        assert client.post(URL, _form("a-wrong-guess-again")).status_code == 400
    locked = client.post(URL, _form(PERSONAL_PASSWORD))
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert User.objects.get(pk=member.pk).check_password(PERSONAL_PASSWORD)  # unchanged


def test_an_organiser_clears_a_forgotten_personal_password_in_the_admin(client):
    from cohort.accounts.tests.factories import StaffFactory

    member = MemberFactory(has_personal_password=True)
    signed_in = Client()
    signed_in.force_login(member)
    client.force_login(StaffFactory())
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "clear_personal_password", "_selected_action": [member.pk]},
    )
    assert response.status_code == 302
    assert not User.objects.get(pk=member.pk).has_personal_password
    assert _login(member.email, GROUP_PASSWORD).status_code == 200
    assert signed_in.get("/api/v1/me").status_code == 401  # their sessions ended
    assert AuditEvent.objects.filter(action="personal_password_set", actor__role="organiser")
