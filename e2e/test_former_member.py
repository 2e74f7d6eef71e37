"""A removed member's email at an invite link signs nobody in; an organiser brings the
member back from the admin, choosing the group on the action's own page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cohort.accounts.models import User
from cohort.accounts.services.invites import invite_token_create
from cohort.accounts.services.members import member_remove
from cohort.accounts.tests.factories import (
    STAFF_PASSWORD,
    GroupFactory,
    MemberFactory,
    StaffFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _former(**kwargs) -> User:
    member = MemberFactory(**kwargs)
    member_remove(user=member, actor=None)
    return member


def test_an_invite_with_a_removed_members_email_signs_nobody_in(live_server, page):
    former = _former(email="rita@example.com", display_name="Rita Removed")
    group = GroupFactory(name="Pilgrims")
    base = live_server.url
    page.goto(base + reverse("accounts:join", args=[invite_token_create(group=group)]))
    page.get_by_label("Your name").fill("Mallory")
    page.get_by_label("Email").fill("Rita@Example.com")
    page.get_by_role("button", name="Join the group").click()

    expect(page.get_by_role("alert")).to_contain_text("cannot join with an invite link")
    expect(page.get_by_label("Email")).to_have_value("Rita@Example.com")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    former.refresh_from_db()
    assert (former.group_id, former.is_active) == (None, False)


def test_an_organiser_brings_a_removed_member_back_from_the_admin(live_server, page):
    former = _former(email="rita@example.com", display_name="Rita Removed")
    GroupFactory(name="Second Chance")
    StaffFactory(email="boss@example.com")
    base = live_server.url
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Email").fill("boss@example.com")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}/admin/accounts/user/")
    page.get_by_role("row", name="rita@example.com").get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("restore_to_group")
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_text("Rita Removed <rita@example.com>")).to_be_visible()
    page.get_by_label("Into group").select_option(label="Second Chance")
    page.get_by_role("button", name="Bring them back").click()
    expect(page.locator("ul.messagelist")).to_contain_text(
        "Brought back 1 member into Second Chance."
    )
    former.refresh_from_db()
    assert (former.group.name, former.is_active) == ("Second Chance", True)
