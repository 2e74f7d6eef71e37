"""Every page in the navigation at phone width (390x844): no sideways scrolling, a visible
main heading, and a full-page screenshot in e2e/artifacts/phone-<role>-<page>.png to look at."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "camino-de-santiago-demo"  # noqa: S105 - the demo's own
PHONE = {"width": 390, "height": 844}

EVERYONE = [
    ("dashboard", "/"),
    ("map", "/map/"),
    ("season", "/season/"),
    ("leaderboards", "/leaderboards/"),
    ("activity", "/activity/"),
    ("group", "/group/"),
    ("announcements", "/announcements/"),
    ("messages", "/messages/"),
    ("notifications", "/notifications/"),
    ("profile", "/profile/"),
]
MEMBER_PAGES = [*EVERYONE[:5], ("submissions", "/submissions/"), *EVERYONE[5:]]
STAFF_PAGES = [
    *EVERYONE,
    ("mentor", "/mentor/"),
    ("paths", "/organise/paths/"),
    ("analytics", "/analytics/"),
]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def demo(db):
    quiet = io.StringIO()
    call_command("seed_demo", "--members", "25", "--allow-production", stdout=quiet)
    call_command("recompute_analytics", stdout=quiet)


def _widest(page) -> float:
    """How wide the page lays out: the document's scroll width (CDP evaluation is not
    subject to the page's CSP), or the body's box if evaluation is ever refused."""
    try:
        return page.evaluate("document.documentElement.scrollWidth")
    except Exception:
        return page.locator("body").bounding_box()["width"]


def _walk(page, base, email, role, pages):
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    ARTIFACTS.mkdir(exist_ok=True)
    too_wide = {}
    for name, path in pages:
        page.goto(f"{base}{path}")
        expect(page.locator("main h1").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / f"phone-{role}-{name}.png"), full_page=True)
        width = _widest(page)
        if width > PHONE["width"]:
            too_wide[name] = width
    assert too_wide == {}, f"pages wider than {PHONE['width']}px: {too_wide}"


def test_a_member_sees_every_page_fit_a_phone(live_server, phone, demo):
    _walk(phone, live_server.url, "member1@demo.cohort.example", "member", MEMBER_PAGES)


def test_an_organiser_sees_every_page_fit_a_phone(live_server, phone, demo):
    pages = [*STAFF_PAGES, ("people", "/organise/people/")]
    _walk(phone, live_server.url, "organiser@demo.cohort.example", "organiser", pages)


def test_a_mentor_sees_every_page_fit_a_phone(live_server, phone, demo):
    _walk(phone, live_server.url, "mentor1@demo.cohort.example", "mentor", STAFF_PAGES[:-1])
