"""Issue 17, flows-mentor items walked in the browser at 390 and 1280 px (screenshots in
E2E_SHOTS, default e2e/artifacts, as mentor-<what>-<width>.png): a refused announcement
keeps what was typed and the mentor's one group (3); a flagged day reaches the mentor by a
notification, which is read once followed, and is rejected after a second click (5, 12);
reading a thread clears its notification (12); a locked episode says the one rule that
opens it, and handed-in work is withdrawn after a confirmation (17)."""

import datetime as dt
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
from cohort.activity.models import DailyActivity
from cohort.activity.services.daily import activity_log
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory
from cohort.core.clock import user_today
from cohort.journeys.tests.factories import path_create
from cohort.messaging.services import message_send
from cohort.messaging.tests.factories import ThreadFactory
from cohort.notifications.models import Notification
from cohort.reviews.models import Submission
from cohort.reviews.tests.factories import AssignmentFactory, SubmissionFactory, episode_of

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("E2E_SHOTS", ARTIFACTS))


@pytest.fixture(params=(390, 1280), ids=lambda w: f"{w}px")
def sized(browser, request):
    context = browser.new_context(viewport={"width": request.param, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page, request.param
    context.close()


@pytest.fixture
def people():
    group = GroupFactory(name="Owls")
    student = MemberFactory(email="student@example.com", display_name="Sam Student", group=group)
    mentor = StaffFactory(
        email="mentor@example.com", display_name="Mo Mentor", role=User.Role.MENTOR
    )
    group.mentors.add(mentor)
    return group, student, mentor


def _sign_in(page, base, email, password):
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _shot(page, name, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"mentor-{name}-{width}.png"), full_page=True)


def test_a_refused_announcement_keeps_the_text_and_the_only_group(live_server, sized, people):
    page, width = sized
    group, _, mentor = people
    _sign_in(page, live_server.url, mentor.email, STAFF_PASSWORD)
    page.goto(f"{live_server.url}/announcements/")
    groups = page.get_by_label("Groups")
    expect(groups).to_have_values([str(group.pk)])  # the one group, already chosen
    page.get_by_label("Title").fill("Review day")
    page.get_by_label("Text").fill("Bring your work on Friday.")
    page.get_by_label("Expires").fill("2020-01-01T10:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_contain_text("expiry must be in the future")
    expect(page.get_by_label("Title")).to_have_value("Review day")
    expect(page.get_by_label("Text")).to_have_value("Bring your work on Friday.")
    expect(page.get_by_label("Groups")).to_have_values([str(group.pk)])
    _shot(page, "announcement-refused", width)
    page.get_by_label("Expires").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Announcement saved.")


def test_a_flagged_day_reaches_the_mentor_who_rejects_it(live_server, sized, people, settings):
    page, width = sized
    settings.ACTIVITY_FLAG_STEPS = 20_000
    path_create(start=dt.date(2020, 1, 1))
    _, student, mentor = people
    flagged = activity_log(user=student, day=user_today(student), steps=45_000)
    _sign_in(page, live_server.url, mentor.email, STAFF_PASSWORD)
    page.goto(f"{live_server.url}/notifications/")
    page.get_by_role("link", name="Sam Student logged 45,000 steps").click()
    page.wait_for_url(f"{live_server.url}/mentor/#flags")
    assert Notification.objects.get(recipient=mentor).read_at is not None
    row = page.locator(f'[data-flag="{flagged.pk}"]')
    expect(row).to_contain_text("45,000")
    expect(row).to_contain_text("threshold 20,000")
    expect(row.get_by_role("button", name="Yes, reject this day")).to_be_hidden()
    row.get_by_text("Reject…").click()
    _shot(page, "days-to-confirm", width)
    row.get_by_role("button", name="Yes, reject this day").click()
    expect(page.get_by_role("status")).to_contain_text("rejected")
    expect(page.locator("#flags")).to_contain_text("No flagged days await a decision.")
    assert DailyActivity.objects.get(pk=flagged.pk).review == "rejected"


def test_reading_a_thread_clears_its_notification(live_server, sized, people):
    page, width = sized
    _, student, mentor = people
    thread = ThreadFactory(student=student, mentor=mentor)
    message_send(sender=mentor, thread=thread, text="How is the essay going?")
    _sign_in(page, live_server.url, student.email, GROUP_PASSWORD)
    expect(page.locator("#notification-badge .count")).to_have_text("1")
    page.goto(f"{live_server.url}/messages/{thread.pk}/")
    expect(page.locator("#message-list")).to_contain_text("How is the essay going?")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_test_id("unread-total")).to_have_text("0 unread")
    expect(page.locator("#notification-badge .count")).to_have_count(0)
    _shot(page, "thread-read", width)


def test_a_locked_episode_says_its_rule_and_work_is_withdrawn(live_server, sized, people):
    page, width = sized
    _, student, _ = people
    season = SeasonFactory()
    learning = CategoryFactory(name="Learning", season_cap=100)
    essay = AssignmentFactory(episode=episode_of(season, 1), category=learning, title="Essay")
    handed_in = SubmissionFactory(user=student, assignment=essay)
    _sign_in(page, live_server.url, student.email, GROUP_PASSWORD)
    page.goto(f"{live_server.url}/season/")
    second = page.get_by_test_id("episode-2")
    expect(second).to_contain_text("Unlocks when a mentor approves your required work")
    expect(second).not_to_contain_text("Planned for")
    expect(page.get_by_test_id("episode-1")).to_contain_text("Planned for")
    _shot(page, "season-episodes", width)
    page.goto(f"{live_server.url}/submissions/")
    row = page.get_by_test_id(f"submission-{handed_in.pk}")
    row.get_by_text("Withdraw…").click()
    _shot(page, "withdraw-confirm", width)
    row.get_by_role("button", name="Yes, withdraw").click()
    expect(page.get_by_role("status")).to_contain_text("withdrawn")
    assert Submission.objects.get(pk=handed_in.pk).status == "draft"
    expect(page.get_by_test_id(f"form-{essay.pk}")).to_be_visible()  # a draft to hand in again
