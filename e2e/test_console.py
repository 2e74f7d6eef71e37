"""The organiser's console (/organise/) in Chromium, on the demo's data: the organiser opens
it from the main navigation, runs a scheduled job now, creates the next season copied from
the last one, assigns a mentor to a group and finds both in the audit log; a coordinator
sees their division read-only. Screenshots at 390 and 1280 px of every console page, as
organiser and as coordinator, go to /work/shots/console/ (SHOTS_DIR)."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cohort.accounts.models import Group, User
from cohort.accounts.tests.factories import STAFF_PASSWORD, DivisionFactory, StaffFactory
from cohort.competition.models import Season
from cohort.ops.models import JobRun
from cohort.reviews.models import Assignment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "camino-de-santiago-demo"  # noqa: S105 - the demo's own
SHOTS = Path(os.environ.get("SHOTS_DIR", "/work/shots/console"))
ORGANISER = "organiser@demo.cohort.example"


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", "--members", "45", "--allow-production", stdout=io.StringIO())
    return live_server


@pytest.fixture
def coordinator(demo):
    """A coordinator of a division holding the demo's first group."""
    division = DivisionFactory(name="East wing")
    first = Group.objects.order_by("name").first()
    Group.objects.filter(pk=first.pk).update(division=division)
    return StaffFactory(
        role=User.Role.COORDINATOR, division=division, email="cora@example.com",
        display_name="Cora Coordinator",
    )  # fmt: skip


def _sign_in(page, server, email, password=DEMO_PASSWORD):
    page.goto(f"{server.url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/**")


def _shots(page, name):
    """Full-page screenshots at phone and desktop width; the page never scrolls sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def _tab(page, name):
    page.get_by_role("navigation", name="Console").get_by_role("link", name=name).click()


def test_the_organiser_runs_a_job_copies_a_season_and_assigns_a_mentor(demo, page):
    last = Season.objects.order_by("-ends_on").first()
    last_assignments = Assignment.objects.filter(episode__season=last).count()
    assert last_assignments > 0
    _sign_in(page, demo, ORGANISER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organise").click()
    expect(page.get_by_role("heading", name="Console", level=1)).to_be_visible()
    _shots(page, "organiser-overview")

    # Run now: without Celery the job runs in the request, so its outcome is shown at once.
    row = page.locator('tr[data-job="prune-old-records"]')
    row.get_by_role("button", name="Run now").click()
    expect(page.get_by_role("status")).to_contain_text("prune-old-records ran: Succeeded.")
    expect(page.locator('tr[data-job="prune-old-records"]')).to_contain_text("succeeded")
    assert JobRun.objects.get(name="prune-old-records").outcome == "succeeded"
    _shots(page, "organiser-overview-after-run")

    # The next season, copied from the last: the suggested dates are the month after it.
    _tab(page, "Seasons")
    expect(page.get_by_role("heading", name="Seasons", level=1)).to_be_visible()
    _shots(page, "organiser-seasons")
    form = page.get_by_role("region", name="The next season")
    expect(form.get_by_label("First day")).not_to_have_value("")
    form.get_by_role("button", name="Create the season").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"created with {last_assignments} assignments copied"
    )
    made = Season.objects.order_by("-ends_on").first()
    assert made.pk != last.pk and made.status == Season.Status.UPCOMING
    new_row = page.locator(f'tr[data-season="{made.pk}"]')
    expect(new_row).to_contain_text(made.name)
    expect(new_row.locator("td.num").last).to_have_text(str(last_assignments))
    _shots(page, "organiser-seasons-after-copy")

    # A bad date keeps what was typed and says why by the field.
    form = page.get_by_role("region", name="The next season")
    form.get_by_label("Name").fill("Overlapping")
    form.get_by_label("First day").fill(last.starts_on.isoformat())
    form.get_by_role("button", name="Create the season").click()
    expect(page.locator("#id_next-starts_on_error")).to_contain_text("starts after")
    expect(page.get_by_role("region", name="The next season").get_by_label("Name")).to_have_value(
        "Overlapping"
    )
    _shots(page, "organiser-seasons-error")

    # A mentor for a group they do not mentor yet.
    mentor = User.objects.filter(role=User.Role.MENTOR).order_by("display_name").first()
    group = Group.objects.exclude(mentors=mentor).order_by("name").first()
    _tab(page, "Mentors")
    expect(page.get_by_role("heading", name="Mentors", level=1)).to_be_visible()
    page.get_by_label("Group", exact=True).select_option(str(group.pk))
    page.get_by_label("Mentor", exact=True).select_option(str(mentor.pk))
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text(f"Mentors of {group.name} updated.")
    expect(page.locator(f'tr[data-mentor="{mentor.pk}"]')).to_contain_text(group.name)
    assert group.mentors.filter(pk=mentor.pk).exists()
    _shots(page, "organiser-mentors")

    # Both changes are in the audit log.
    _tab(page, "Audit")
    page.get_by_label("Action").select_option("season_created")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text("Season created")
    page.get_by_label("Action").select_option("mentor_assigned")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tbody tr").first).to_contain_text("Mentor assigned to a group")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export as CSV").click()
    text = Path(download.value.path()).read_text()
    assert text.startswith("id,when,action") and "mentor_assigned" in text
    _shots(page, "organiser-audit")

    _tab(page, "Analytics")
    page.get_by_role("button", name="Recompute now").click()
    expect(page.get_by_role("status")).to_contain_text("recompute-analytics ran: Succeeded.")
    _shots(page, "organiser-analytics")


def test_a_coordinator_reads_their_division(demo, coordinator, page):
    _sign_in(page, demo, coordinator.email, STAFF_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organise").click()
    expect(page.get_by_role("heading", name="Console", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Run now")).to_have_count(0)
    expect(page.get_by_role("region", name="Members")).to_contain_text("Members")
    _shots(page, "coordinator-overview")
    _tab(page, "Seasons")
    expect(page.get_by_role("button", name="Create the season")).to_have_count(0)
    _shots(page, "coordinator-seasons")
    _tab(page, "Mentors")
    expect(page.get_by_role("region", name="Assign a mentor to a group")).to_be_visible()
    names = page.get_by_label("Group", exact=True).locator("option").all_inner_texts()
    assert names == ["—", Group.objects.get(division=coordinator.division).name]
    _shots(page, "coordinator-mentors")
    _tab(page, "Audit")
    _shots(page, "coordinator-audit")
    _tab(page, "Analytics")
    expect(page.get_by_role("button", name="Recompute now")).to_have_count(0)
    _shots(page, "coordinator-analytics")
