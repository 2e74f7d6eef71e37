"""A new member follows an invite link and lands on the dashboard, signed in."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cohort.accounts.models import User
from cohort.accounts.services.invites import invite_token_create
from cohort.accounts.tests.factories import GroupFactory, MemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_new_member_joins_by_invite_and_lands_signed_in(live_server, page):
    group = GroupFactory(name="Pilgrims")
    MemberFactory(group=group, display_name="Paul Pilgrim")
    base = live_server.url
    page.goto(base + reverse("accounts:join", args=[invite_token_create(group=group)]))
    expect(page.get_by_role("heading", name="Join Pilgrims")).to_be_visible()
    page.get_by_label("Your name").fill("Nora New")
    page.get_by_label("Email").fill("Nora@Example.com")
    page.get_by_role("button", name="Join the group").click()

    page.wait_for_url(f"{base}/")
    expect(page.get_by_role("status")).to_contain_text("Welcome to Pilgrims!")
    expect(page.get_by_role("heading", name="Hello, Nora New")).to_be_visible()
    expect(page.locator(".signout .who")).to_have_text("Nora New")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("link", name="My group").click()
    expect(page.get_by_text("2 of 20 members")).to_be_visible()
    expect(page.locator("ul.members")).to_contain_text("Nora New")
    nora = User.objects.get(email="nora@example.com")
    assert nora.group_id == group.pk and nora.role == User.Role.MEMBER


def test_a_forged_invite_link_says_so(live_server, page):
    page.goto(live_server.url + reverse("accounts:join", args=["not-a-real-token"]))
    expect(page.locator("main")).to_contain_text("This invite link is not valid.")
    expect(page.get_by_role("button", name="Join the group")).to_have_count(0)
