import pytest
from playwright.sync_api import expect

from cohort.accounts.tests.factories import GROUP_PASSWORD, GroupFactory, MemberFactory
from cohort.competition.tests.factories import walkers_on_path
from cohort.notifications.services import NotificationDraft, notifications_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(GROUP_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def test_the_badge_counts_unread_and_clears_when_all_are_read(live_server, page):
    member = MemberFactory(email="reader@example.com")
    notifications_create(
        drafts=[
            NotificationDraft(member.pk, f"You reached Town {i}", "/map/", f"t{i}")
            for i in range(3)
        ]
    )
    _sign_in(page, live_server, "reader@example.com")
    badge = page.locator("#notification-badge")
    assert badge.get_by_label("3 unread").is_visible()
    badge.click()
    assert page.get_by_role("link", name="You reached Town 2").is_visible()
    page.get_by_role("button", name="Mark all read").click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    assert page.locator("#notification-badge .count").count() == 0
    assert page.get_by_text("0 unread").is_visible()


def test_the_leaderboard_ranks_ties_alike_and_jumps_to_me(live_server, page):
    group = GroupFactory(name="Owls")
    _, members = walkers_on_path([30, 50, 50, 10], [group])
    members[3].email = "last@example.com"
    members[3].save()
    _sign_in(page, live_server, "last@example.com")
    page.get_by_role("link", name="Leaderboards").click()
    ranks = page.locator("table.board tbody tr td:first-child").all_inner_texts()
    assert ranks == ["1", "1", "3", "4"]
    assert page.get_by_role("heading", name="You: rank 4 of 4").is_visible()
    page.get_by_role("link", name="Jump to me").click()
    assert "you" in page.locator("#me-row").inner_text()
    page.get_by_role("link", name="Groups").click()
    assert page.get_by_role("heading", name="Your group: rank 1 of 1").is_visible()


def test_an_organiser_loads_more_of_the_dashboard_in_place(live_server, page):
    from cohort.accounts.tests.factories import STAFF_PASSWORD, StaffFactory

    groups = [GroupFactory() for _ in range(3)]
    walkers_on_path([i % 50 for i in range(60)], groups)
    StaffFactory(email="boss@example.com")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("boss@example.com")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    rows = page.locator("#dashboard-rows tr:not(#load-more-row)")
    assert rows.count() == 50
    page.get_by_role("link", name="Load more").click()
    # A locator wait, not wait_for_function: the page's CSP forbids evaluating strings.
    expect(page.locator("#dashboard-rows tr")).to_have_count(60)
    assert rows.count() == 60 and page.get_by_role("link", name="Load more").count() == 0
    assert page.url == f"{live_server.url}/"  # loaded in place, no navigation
