"""The walk-through's broken flows, walked again: analytics on a fresh install, the staff
dashboard's group picker, the monthly report (found, readable, printable), the app's own 404,
and email turned on sending only what arrives after, without Celery beat. Screenshots at
390 and 1280 px go to /tmp/shots-ops/ (SHOTS_DIR)."""

import datetime as dt
import io
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "camino-de-santiago-demo"  # noqa: S105 - the demo's own
SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots-ops"))  # noqa: S108 - test screenshots
ORGANISER = "organiser@demo.cohort.example"
MENTOR = "mentor1@demo.cohort.example"
MEMBER = "member1@demo.cohort.example"


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", "--members", "45", "--allow-production", stdout=io.StringIO())
    return live_server


def _sign_in(page, server, email):
    page.goto(f"{server.url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/**")


def _shots(page, name):
    """Full-page screenshots at phone and desktop width; the page never scrolls sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        page.screenshot(path=str(SHOTS / f"{name}-{width}-top.png"))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_fresh_install_shows_mentors_and_submissions_on_analytics(demo, page):
    """No recompute_analytics run by hand: the seed computed the summaries."""
    _sign_in(page, demo, ORGANISER)
    page.get_by_role("link", name="Analytics").click()

    workload = page.get_by_test_id("workload")
    expect(workload).to_be_visible()
    expect(workload.locator("tbody tr").first).to_contain_text("Mentor")
    expect(page.get_by_text("No mentors yet")).to_have_count(0)
    expect(page.get_by_role("cell", name="Awaiting review")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Last computed"))).to_be_visible()
    _shots(page, "analytics-organiser")

    page.get_by_role("button", name="Recompute now").click()
    expect(page.get_by_text("Analytics recomputed.")).to_be_visible()


def test_a_coordinator_sees_their_divisions_analytics_without_the_button(demo, page):
    from cohort.accounts.models import Division, User
    from cohort.accounts.tests.factories import STAFF_PASSWORD, StaffFactory

    StaffFactory(
        email="coordinator@example.com",
        role=User.Role.COORDINATOR,
        division=Division.objects.get(name="Camino pilot"),
    )
    page.goto(f"{demo.url}/login/")
    page.get_by_label("Email").fill("coordinator@example.com")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{demo.url}/**")
    page.get_by_role("link", name="Analytics").click()

    expect(page.get_by_test_id("workload")).to_be_visible()
    expect(page.get_by_role("button", name="Recompute now")).to_have_count(0)
    _shots(page, "analytics-coordinator")


def test_staff_filter_the_dashboard_by_group_name_and_last_activity(demo, page):
    _sign_in(page, demo, ORGANISER)
    form = page.get_by_role("search", name="Filter members")
    form.get_by_label("Group").select_option(label="Walkers 002")
    form.get_by_label("Order by").select_option(label="Last activity")
    form.get_by_role("button", name="Show").click()

    page.wait_for_url(re.compile(r"group=\d+"))
    groups = page.locator("#dashboard-rows tr td:nth-child(2)").all_inner_texts()
    assert groups and set(groups) == {"Walkers 002"}
    expect(form.get_by_label("Group")).to_have_value(re.compile(r"\d+"))
    expect(form.get_by_label("Order by").locator("option:checked")).to_have_text("Last activity")
    _shots(page, "dashboard-filter-organiser")

    page.context.clear_cookies()
    _sign_in(page, demo, MENTOR)
    labels = page.get_by_label("Group").locator("option").all_inner_texts()
    assert labels[0] == "All groups" and len(labels) >= 2
    _shots(page, "dashboard-filter-mentor")


def test_a_member_finds_reads_and_prints_their_monthly_report(demo, page):
    _sign_in(page, demo, MEMBER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Report").click()
    page.wait_for_url(f"{demo.url}/report/")

    expect(page.get_by_test_id("points")).to_be_visible()
    expect(page.get_by_test_id("points-raw")).to_be_visible()
    expect(page.get_by_role("heading", name="Points by category")).to_be_visible()
    _shots(page, "report-member")

    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed === true")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    page.screenshot(path=str(SHOTS / "report-member-print.png"), full_page=True)
    page.emulate_media(media="screen")


def test_a_mentor_reads_their_students_report(demo, page):
    _sign_in(page, demo, MENTOR)
    page.goto(f"{demo.url}/mentor/report/")
    expect(page.get_by_test_id("report")).to_be_visible()
    _shots(page, "report-mentor")


def test_the_500_page_is_plain_and_readable(page):
    from django.template import loader

    page.set_content(loader.get_template("500.html").render())
    expect(page.get_by_role("heading", name="Something went wrong")).to_be_visible()
    _shots(page, "500")


def test_an_unknown_url_shows_the_apps_own_404(demo, page):
    response = page.goto(f"{demo.url}/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    _shots(page, "404-anonymous")
    _sign_in(page, demo, MEMBER)
    page.goto(f"{demo.url}/no-such-page/")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.get_by_role("link", name="Back to the dashboard").click()
    page.wait_for_url(f"{demo.url}/")
    page.goto(f"{demo.url}/no-such-page/")
    _shots(page, "404-member")


def test_a_member_turns_email_on_and_gets_only_what_arrives_after(demo, page):
    """Without beat or a broker: the in-process scheduler sends the email."""
    from cohort.accounts.models import User
    from cohort.notifications.emails import email_channel_start
    from cohort.notifications.services import NotificationDraft, notifications_create
    from cohort.ops import schedule
    from cohort.ops.models import ScheduledJob

    member = User.objects.get(email=MEMBER)
    email_channel_start()  # the site's email is on...
    notifications_create(drafts=[NotificationDraft(member.pk, "Old news", "/")])  # ...and waits
    schedule.schedule_run_due()  # the scheduler sees its jobs
    _sign_in(page, demo, MEMBER)
    page.goto(f"{demo.url}/notifications/")
    page.get_by_label("email me dashboard notifications").check()
    page.locator("form", has=page.get_by_label("email me dashboard notifications")).get_by_role(
        "button", name=re.compile("Save")
    ).click()
    expect(page.get_by_text("Your email choices are saved.")).to_be_visible()

    notifications_create(drafts=[NotificationDraft(member.pk, "New news", "/map/")])
    ScheduledJob.objects.filter(name="send-notification-emails").update(
        last_run_at=ScheduledJob.objects.get(name="send-notification-emails").last_run_at
        - dt.timedelta(minutes=5)
    )
    assert "send-notification-emails" in schedule.schedule_run_due()
    assert [m.subject for m in mail.outbox] == ["Cohort: New news"]
