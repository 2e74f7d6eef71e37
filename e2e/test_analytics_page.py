import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "camino-de-santiago-demo"  # noqa: S105 - the demo's own


def test_an_organiser_reads_the_analytics_at_a_glance(live_server, page):
    quiet = io.StringIO()
    call_command("seed_demo", "--members", "45", "--allow-production", stdout=quiet)
    call_command("recompute_analytics", stdout=quiet)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("organiser@demo.cohort.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/**")

    page.get_by_role("link", name="Analytics").click()

    charts = page.locator("svg[role='img']")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 4
    assert page.locator("svg rect").count() > 10  # bars drawn from the summaries
    expect(page.locator("body")).to_contain_text("Walkers 001")
    page.screenshot(path=str(ARTIFACTS / "analytics.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="members", exact=False).first.click()
    assert download.value.suggested_filename.endswith(".csv")
