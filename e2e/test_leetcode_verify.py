"""A member claims a LeetCode username, puts the shown code in their LeetCode "About me"
(the local fake LeetCode) and verifies it from the profile; at phone and desktop width, with
screenshots (SHOTS_DIR, e2e/artifacts/ by default) to look at. Also the 400 page a NUL
character gets."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cohort.accounts.tests.factories import GROUP_PASSWORD, GroupFactory, MemberFactory
from cohort.activity.tests.fake_leetcode import fake_leetcode

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", str(ARTIFACTS)))
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def leetcode(settings):
    with fake_leetcode(settings) as fake:
        yield fake


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_member_verifies_their_leetcode_username(live_server, browser, leetcode, width):
    member = MemberFactory(group=GroupFactory(), email=f"coder-{width}@example.com")
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(GROUP_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/profile/")
    page.get_by_label("LeetCode username").fill("ada_codes")
    page.locator("form:has(input[name=leetcode])").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Not verified")).to_be_visible()
    code = page.get_by_label("Your verification code").input_value()
    assert code.startswith("cohort-")
    leetcode.about["ada_codes"] = "I like graphs."
    page.get_by_role("button", name="Verify").click()  # not in the About me yet
    expect(page.get_by_text(f"{code} is not in the About me")).to_be_visible()
    _shot(page, f"leetcode-unverified-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]
    leetcode.about["ada_codes"] = f"I like graphs. {code}"
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("is yours; your coding streak and points follow")).to_be_visible()
    _shot(page, f"leetcode-verified-{width}")
    page.goto(f"{live_server.url}/notifications/?cursor=%00")
    expect(page.get_by_role("heading", name="400 Bad Request")).to_be_visible()
    _shot(page, f"nul-400-{width}")
    context.close()
