import json
import re

import pytest

from cohort.accounts.tests.factories import GROUP_PASSWORD, MemberFactory
from cohort.journeys.tests.factories import path_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _marker_x(page) -> float:
    """The viewer's marker's x on the illustrated path (the map's data, [y up, x])."""
    page.locator(".walker.me, .walker-group.me").first.wait_for()
    data = page.locator("#map-data").text_content()
    return next(m["at"][1] for m in json.loads(data)["markers"] if m["me"])


def test_logging_steps_moves_the_marker_on_the_map(live_server, page):
    path_create()
    MemberFactory(email="walker@example.com", display_name="Wanda Walker")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("walker@example.com")
    page.get_by_label("Password").fill(GROUP_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/map/")
    start_x = _marker_x(page)
    assert page.get_by_role("heading", name="On the road from Start to Ford").is_visible()

    page.goto(f"{live_server.url}/activity/")
    page.get_by_label("Steps").fill("3000")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text(re.compile(r"Saved 3,000 steps")).is_visible()
    assert page.get_by_role("cell", name="3,000").is_visible()

    page.goto(f"{live_server.url}/map/")
    assert page.get_by_role("heading", name="On the road from Ford to Inn").is_visible()
    assert _marker_x(page) == pytest.approx(start_x + 300, abs=0.5)
    progress = page.get_by_role("progressbar")
    assert progress.get_attribute("aria-valuenow") == "30.00"
    # Passing Ford was a milestone: the navigation's badge counts its notification.
    assert page.locator("#notification-badge").get_by_label("1 unread").is_visible()


def test_a_bad_step_count_shows_the_reason_on_the_form(live_server, page):
    path_create()
    MemberFactory(email="typo@example.com")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("typo@example.com")
    page.get_by_label("Password").fill(GROUP_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/activity/")
    page.get_by_label("Steps").fill("250000")
    page.get_by_role("button", name="Save").click()
    assert "more than the 100,000 allowed" in page.get_by_role("alert").inner_text()
