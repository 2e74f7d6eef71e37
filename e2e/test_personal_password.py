"""A leader who signs in with the group password is told to set a personal password before
the leader tools; sets one; the tools appear and the group password no longer signs in as
them. Screenshots at 390 and 1280 px wide in e2e/artifacts/personal-password-*.png."""

import pytest
from playwright.sync_api import expect

from cohort.accounts.models import ApiToken, User
from cohort.accounts.tests.factories import GROUP_PASSWORD, GroupFactory, MemberFactory
from cohort.accounts.tokens import api_token_create

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MINE = "lee-walks-alone-at-dawn"
WIDTHS = (390, 1280)


def _sign_in(page, base, email, password):
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(
            path=str(ARTIFACTS / f"personal-password-{name}-{width}.png"), full_page=True
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_leader_sets_a_personal_password_before_the_leader_tools(live_server, page):
    group = GroupFactory(name="Owls")
    leader = MemberFactory(group=group, email="lee@example.com", display_name="Lee Leader")
    group.leader = leader
    group.save(update_fields=["leader"])
    MemberFactory(group=group, display_name="Olly Owl")
    api_token_create(user=leader, name="Phone", scope=ApiToken.Scope.ACTIVITY_WRITE)
    base = live_server.url

    _sign_in(page, base, "lee@example.com", GROUP_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/group/")
    notice = page.get_by_role("heading", name="Set a personal password to use the leader tools")
    expect(notice).to_be_visible()
    expect(page.get_by_role("heading", name="Change the group password")).to_have_count(0)
    _shoot(page, "leader-notice")

    page.get_by_role("link", name="Set my personal password").click()
    expect(page.get_by_role("heading", name="Set a personal password")).to_be_visible()
    page.get_by_label("Group password").fill(GROUP_PASSWORD)
    page.get_by_label("New personal password").fill(MINE)
    page.get_by_label("Repeat it").fill("not-the-same-at-all")
    page.get_by_role("button", name="Set a personal password").click()
    expect(page.get_by_text("The two passwords differ.", exact=True)).to_be_visible()
    _shoot(page, "form-error")

    page.get_by_label("Group password").fill(GROUP_PASSWORD)
    page.get_by_label("New personal password").fill(MINE)
    page.get_by_label("Repeat it").fill(MINE)
    page.get_by_role("button", name="Set a personal password").click()
    page.wait_for_url(f"{base}/group/")
    expect(page.get_by_role("heading", name="Change the group password")).to_be_visible()
    expect(page.get_by_text("API tokens are revoked")).to_be_visible()
    assert User.objects.get(pk=leader.pk).has_personal_password

    page.goto(f"{base}/profile/")
    expect(page.get_by_role("heading", name="Your password")).to_be_visible()
    expect(page.locator("table")).to_contain_text("activity:write")
    expect(page.locator("table")).to_contain_text("revoked")
    _shoot(page, "profile")

    page.context.clear_cookies()
    _sign_in(page, base, "lee@example.com", GROUP_PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("do not match")
