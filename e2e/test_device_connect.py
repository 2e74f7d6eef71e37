"""A member connects Google Health through the local fake's consent page in Chromium, sees
the back-filled days on their dashboard and disconnects; an organiser and a coordinator see
who syncs. At phone and desktop width, with screenshots (SHOTS_DIR, e2e/artifacts/ by
default) to look at."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohort.accounts.models import User
from cohort.accounts.tests.factories import (
    GROUP_PASSWORD,
    STAFF_PASSWORD,
    DivisionFactory,
    GroupFactory,
    MemberFactory,
    StaffFactory,
)
from cohort.core.clock import user_today
from cohort.devices.models import DeviceConnection
from cohort.devices.tests.fakes.google_health import FakeGoogleHealth
from cohort.journeys.tests.factories import path_create

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", str(ARTIFACTS)))
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def google(settings):
    with FakeGoogleHealth() as fake:
        for key, value in fake.settings().items():
            setattr(settings, key, value)
        settings.DEVICE_HTTP_TIMEOUT = 5
        yield fake


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fits(page, width: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]


def _sign_in(browser, live_server, email, password, width):
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    return context, page


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_member_connects_google_health_and_sees_the_days(live_server, browser, google, width):
    path_create(start=timezone.localdate() - dt.timedelta(days=60))
    member = MemberFactory(group=GroupFactory(name="Striders"), email=f"walker-{width}@example.com")
    today = user_today(member)
    google.user_id = f"hu-{width}"
    google.steps[(google.user_id, today)] = 6_543
    google.steps[(google.user_id, today - dt.timedelta(days=1))] = 9_000
    context, page = _sign_in(browser, live_server, member.email, GROUP_PASSWORD, width)
    page.goto(f"{live_server.url}/profile/")
    page.get_by_role("link", name="Connect a device").click()
    expect(page.get_by_role("heading", name="Devices and health apps")).to_be_visible()
    _shot(page, f"devices-member-empty-{width}")
    _fits(page, width)
    page.get_by_role("button", name="Connect Google Health (Fitbit)").click()
    expect(page.get_by_text("Cohort wants to access your Google Account")).to_be_visible()
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_text("7 days filled in from your device")).to_be_visible()
    expect(page.get_by_text("connected", exact=True)).to_be_visible()
    _shot(page, f"devices-member-connected-{width}")
    _fits(page, width)
    page.goto(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text("15,543")  # the two synced days' total
    _shot(page, f"devices-dashboard-{width}")
    page.goto(f"{live_server.url}/profile/devices/")
    page.get_by_role("button", name="Disconnect Google Health (Fitbit)").click()
    expect(page.get_by_text("Disconnected. The days already synced stay.")).to_be_visible()
    assert DeviceConnection.objects.get(user=member).status == "disconnected"
    context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_reconnect_needed_is_shown_to_the_member(live_server, browser, google, width):
    member = MemberFactory(group=GroupFactory(), email=f"broken-{width}@example.com")
    DeviceConnection.objects.create(
        user=member,
        provider="google_health",
        status="reconnect",
        connected_at=timezone.now() - dt.timedelta(days=9),
        last_sync_ok_at=timezone.now() - dt.timedelta(days=2),
        days_filled=12,
        last_error="Google Health (Fitbit) access was withdrawn: reconnect to sync again.",
    )
    context, page = _sign_in(browser, live_server, member.email, GROUP_PASSWORD, width)
    page.goto(f"{live_server.url}/profile/devices/")
    expect(page.get_by_text("reconnect needed")).to_be_visible()
    expect(page.get_by_role("button", name="Reconnect Google Health (Fitbit)")).to_be_visible()
    _shot(page, f"devices-member-reconnect-{width}")
    _fits(page, width)
    context.close()


@pytest.mark.parametrize("role", ["organiser", "coordinator"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_staff_see_who_syncs(live_server, browser, google, width, role):
    division = DivisionFactory()
    group = GroupFactory(name="Harriers", division=division)
    GroupFactory(name="Elsewhere", division=DivisionFactory())
    names = ["Ada Fresh", "Brook Stale", "Cyd Unplugged", "Dee Broken"]
    people = [MemberFactory(group=group, display_name=n) for n in names]
    now = timezone.now()
    for person, days, status in [(people[0], 0, "active"), (people[1], 5, "active"),
                                 (people[3], 1, "reconnect")]:  # fmt: skip
        DeviceConnection.objects.create(
            user=person,
            provider="google_health",
            status=status,
            last_sync_ok_at=now - dt.timedelta(days=days),
        )
    staff = StaffFactory(
        role=role,
        email=f"{role}-{width}@example.com",
        division=division if role == "coordinator" else None,
    )
    assert staff.role in (User.Role.ORGANISER, User.Role.COORDINATOR)
    context, page = _sign_in(browser, live_server, staff.email, STAFF_PASSWORD, width)
    page.get_by_role("link", name="Organise").click()  # the console's Devices tab
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Devices").click()
    expect(page.get_by_role("heading", name="Device sync")).to_be_visible()
    expect(page.get_by_role("row", name="Harriers")).to_contain_text("Brook Stale")
    if role == "coordinator":
        expect(page.get_by_text("Elsewhere")).to_have_count(0)
    _shot(page, f"devices-overview-{role}-{width}")
    _fits(page, width)
    context.close()
