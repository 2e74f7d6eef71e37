import pytest
from playwright.sync_api import expect

from cohort.accounts.models import User
from cohort.accounts.tests.factories import GROUP_PASSWORD, GroupFactory, MemberFactory
from cohort.competition.models import Title
from cohort.competition.services.points import points_award
from cohort.competition.services.rewards import credits_grant
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory
from cohort.reviews.models import Assignment, Submission
from cohort.reviews.services import submission_review

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _programme():
    """A member with approved Kickoff work, points, credits and two titles for sale."""
    season = SeasonFactory()
    learning = CategoryFactory(name="Learning", season_cap=100)
    career = CategoryFactory(name="Career", season_cap=800)
    kickoff, build = season.episodes.order_by("number")[:2]
    intro = Assignment.objects.create(
        title="Introduce yourself", category=learning, episode=kickoff, points=40
    )
    Assignment.objects.create(title="Build a project", category=career, episode=build, points=150)
    group = GroupFactory(name="Owls")
    member = MemberFactory(email="season@example.com", display_name="Sam Season", group=group)
    mentor = MemberFactory(role=User.Role.MENTOR, group=None, email="mentor@example.com")
    group.mentors.add(mentor)
    handed_in = Submission.objects.create(user=member, assignment=intro, text="Hello!")
    submission_review(reviewer=mentor, submission_id=handed_in.pk, decision="approved", feedback="")
    points_award(
        user_id=member.pk, season=season, category=career, source="e2e", points=120, reason="x"
    )
    credits_grant(user_id=member.pk, amount=30, reason="Last season", source_key="e2e")
    Title.objects.create(name="Night Owl", rarity="rare", cost=25)
    Title.objects.create(name="Legend", rarity="legendary", cost=300)
    return member


def test_the_season_page_shows_episodes_points_and_buys_a_title(live_server, page):
    _programme()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("season@example.com")
    page.get_by_label("Password").fill(GROUP_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("link", name="Season", exact=True).click()
    assert page.get_by_test_id("season-score").inner_text().startswith("160")
    assert "done" in page.get_by_test_id("episode-1").inner_text()
    assert "open" in page.get_by_test_id("episode-2").inner_text()
    assert "locked" in page.get_by_test_id("episode-3").inner_text()
    assert page.get_by_role("button", name="Buy Legend for 300 credits").is_disabled()
    page.get_by_role("button", name="Buy Night Owl for 25 credits").click()
    # A purchase is one-way: the catalogue asks first and spends nothing until confirmed.
    expect(page.get_by_text("Buy “Night Owl” for 25 credits?")).to_be_visible()
    expect(page.get_by_test_id("wallet-balance")).to_have_text("30 credits")
    page.get_by_role("button", name="Buy for 25 credits").click()
    expect(page.get_by_test_id("wallet-balance")).to_have_text("5 credits")
    page.get_by_role("button", name="Wear Night Owl").click()
    expect(page.locator("#titles")).to_contain_text("worn")
    page.screenshot(path=str(ARTIFACTS / "season-page.png"), full_page=True)

    page.get_by_role("link", name="Leaderboards").click()
    page.get_by_role("link", name="Season points").click()
    first = page.locator("table.board tbody tr").first.inner_text()
    assert "Sam Season" in first and "Night Owl" in first and "160" in first
    page.screenshot(path=str(ARTIFACTS / "season-points-board.png"), full_page=True)
