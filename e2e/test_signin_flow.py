import pytest
from django.urls import reverse

from cohort.accounts.services.invites import invite_token_create
from cohort.accounts.tests.factories import GROUP_PASSWORD, GroupFactory, MemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base, email, password):
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_member_signs_in_with_the_group_password(live_server, page):
    member = MemberFactory(email="walker@example.com", display_name="Wanda Walker")
    _sign_in(page, live_server.url, "Walker@Example.com", GROUP_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Hello, Wanda Walker").is_visible()
    assert page.get_by_role("heading", name=member.group.name).is_visible()


def test_repeated_wrong_passwords_show_the_lockout_message(live_server, page):
    MemberFactory(email="typo@example.com")
    for _ in range(5):
        _sign_in(page, live_server.url, "typo@example.com", "not-the-password")
        alert = page.get_by_role("alert").get_by_role("listitem")
        assert alert.inner_text() == "That email and password do not match."
    _sign_in(page, live_server.url, "typo@example.com", GROUP_PASSWORD)
    assert "Too many failed sign-ins" in page.get_by_role("alert").inner_text()


def test_new_member_joins_through_an_invite_link(live_server, page):
    group = GroupFactory(name="Pilgrims")
    MemberFactory(group=group)
    path = reverse("accounts:join", args=[invite_token_create(group=group)])
    page.goto(f"{live_server.url}{path}")
    assert page.get_by_role("heading", name="Join Pilgrims").is_visible()
    page.get_by_label("Your name").fill("Nora New")
    page.get_by_label("Email").fill("nora@example.com")
    page.get_by_role("button", name="Join the group").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_text("Welcome to Pilgrims!").is_visible()
    group.refresh_from_db()
    assert group.member_count == 2
