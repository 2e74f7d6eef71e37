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
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory
from cohort.reviews.models import Assignment
from cohort.reviews.tests.factories import png_bytes

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, email, password):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/**")


def test_a_member_hands_in_work_and_their_mentor_approves_it(live_server, page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    season = SeasonFactory()
    learning = CategoryFactory(name="Learning", season_cap=100)
    kickoff = season.episodes.get(number=1)
    Assignment.objects.create(
        title="Introduce yourself", category=learning, episode=kickoff, points=40
    )
    group = GroupFactory(name="Owls")
    MemberFactory(email="student@example.com", display_name="Sam Student", group=group)
    mentor = StaffFactory(email="mentor@example.com", role=User.Role.MENTOR)
    group.mentors.add(mentor)
    picture = tmp_path / "poster.png"
    picture.write_bytes(png_bytes())

    _sign_in(page, live_server, "student@example.com", GROUP_PASSWORD)
    page.get_by_role("link", name="Submissions").click()
    page.get_by_label("Your answer").fill("Hello, I am Sam and I like owls.")
    page.get_by_label("Files").set_input_files(str(picture))
    page.get_by_role("button", name="Hand in").click()
    expect(page.locator("body")).to_contain_text("awaiting review")
    page.screenshot(path=str(ARTIFACTS / "submissions-page.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()

    _sign_in(page, live_server, "mentor@example.com", STAFF_PASSWORD)
    page.get_by_role("link", name="Mentor").click()
    expect(page.locator("body")).to_contain_text("Sam Student")
    expect(page.get_by_role("link", name="poster.png")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "mentor-queue.png"), full_page=True)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("body")).not_to_contain_text("Introduce yourself · ")
    page.get_by_role("link", name="Messages").click()
    page.get_by_role("button", name="Open").click()
    page.get_by_label("Message").fill("Great introduction, Sam!")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#conversation")).to_contain_text("Great introduction, Sam!")
    page.get_by_role("link", name="Announcements").click()
    page.get_by_label("Title").fill("Build week starts Monday")
    page.get_by_label("Text").fill("Bring your project ideas.")
    page.get_by_label("Groups").select_option(label="Owls")
    page.get_by_label("Publish now").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Build week starts Monday")
    page.get_by_role("button", name="Sign out").click()

    _sign_in(page, live_server, "student@example.com", GROUP_PASSWORD)
    page.get_by_role("link", name="Season", exact=True).click()
    expect(page.get_by_test_id("season-score")).to_contain_text("40")
    assert "done" in page.get_by_test_id("episode-1").inner_text()
    page.get_by_role("link", name="Messages").click()
    expect(page.locator("body")).to_contain_text("Staff")
    page.screenshot(path=str(ARTIFACTS / "student-messages.png"), full_page=True)
    page.get_by_role("link", name="Announcements").click()
    expect(page.locator("body")).to_contain_text("Bring your project ideas.")
    page.screenshot(path=str(ARTIFACTS / "student-announcements.png"), full_page=True)
