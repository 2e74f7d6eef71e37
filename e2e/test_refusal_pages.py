"""Refusals shown on the page, at phone and desktop width: a message or an announcement
beyond the write limit comes back on its form with what was typed (429), and a student
whose mentor was unassigned reads their thread with a note instead of a form.
Screenshots go to E2E_SHOTS (default e2e/artifacts) as refusal-<what>-<width>.png."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cohort.accounts.models import User
from cohort.accounts.tests.factories import (
    GROUP_PASSWORD,
    STAFF_PASSWORD,
    GroupFactory,
    MemberFactory,
    StaffFactory,
)
from cohort.messaging.tests.factories import MessageFactory, ThreadFactory

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("E2E_SHOTS", ARTIFACTS))
WIDTHS = (390, 1280)


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def sized(browser, request):
    context = browser.new_context(viewport={"width": request.param, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page, request.param
    context.close()


def _sign_in(page, base, email, password):
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/**")


def _shot(page, name, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"refusal-{name}-{width}.png"), full_page=True)


@pytest.fixture
def people():
    group = GroupFactory(name="Owls")
    student = MemberFactory(email="student@example.com", display_name="Sam Student", group=group)
    mentor = StaffFactory(
        email="mentor@example.com", display_name="Mo Mentor", role=User.Role.MENTOR
    )
    group.mentors.add(mentor)
    thread = ThreadFactory(mentor=mentor, student=student)
    MessageFactory(thread=thread, sender=mentor, text="How is the essay going?")
    return group, student, mentor, thread


def test_a_message_beyond_the_limit_keeps_its_text(live_server, sized, settings, people):
    page, width = sized
    settings.MESSAGES_PER_SENDER = "1/m"
    _, student, _, thread = people
    _sign_in(page, live_server.url, student.email, GROUP_PASSWORD)
    page.goto(f"{live_server.url}/messages/{thread.pk}/")
    page.get_by_label("Message").fill("Nearly done!")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#message-list")).to_contain_text("Nearly done!")
    page.get_by_label("Message").fill("One more question about the sources")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text("too fast")
    expect(page.get_by_label("Message")).to_have_value("One more question about the sources")
    _shot(page, "message-limit", width)


def test_an_announcement_beyond_the_limit_keeps_the_form(live_server, sized, settings, people):
    page, width = sized
    settings.ANNOUNCEMENTS_PER_AUTHOR = "1/h"
    group, _, mentor, _ = people
    _sign_in(page, live_server.url, mentor.email, STAFF_PASSWORD)
    for title in ("Review day", "Second review day"):
        page.goto(f"{live_server.url}/announcements/")
        page.get_by_label("Title").fill(title)
        page.get_by_label("Text").fill("Bring your work.")
        page.get_by_label("Groups").select_option(str(group.pk))
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_contain_text("many announcements")
    expect(page.get_by_label("Title")).to_have_value("Second review day")
    _shot(page, "announcement-limit", width)


def test_the_student_reads_a_thread_whose_mentor_left(live_server, sized, people):
    page, width = sized
    group, student, mentor, thread = people
    group.mentors.remove(mentor)
    _sign_in(page, live_server.url, student.email, GROUP_PASSWORD)
    page.goto(f"{live_server.url}/messages/{thread.pk}/")
    expect(page.locator("#message-list")).to_contain_text("How is the essay going?")
    expect(page.get_by_role("status")).to_contain_text("no longer mentors your group")
    expect(page.get_by_role("button", name="Send")).to_have_count(0)
    _shot(page, "former-mentor", width)
