"""The walk-through's broken flows for people (issue items 1, 10, 11, 15), walked in a browser:
a leader cannot remove themselves and every one-way action asks first; form errors show at
the top and take the focus; members set their own name, zone and colour (the browser's zone
offered); staff get pages that fit their role. Screenshots at 390 and 1280 px go to
/tmp/shots-people/."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cohort.accounts.models import Group, User
from cohort.accounts.tests.factories import (
    PERSONAL_PASSWORD,
    STAFF_PASSWORD,
    GroupFactory,
    MemberFactory,
    StaffFactory,
)
from cohort.competition.models import OwnedTitle
from cohort.competition.services.rewards import credits_grant
from cohort.competition.tests.factories import TitleFactory
from cohort.journeys.tests.factories import path_create
from cohort.mentoring.tests.factories import Programme
from cohort.reviews.models import Submission

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("PEOPLE_SHOTS", "/tmp/shots-people"))  # noqa: S108 (screenshots)


def _shoot(page, name: str) -> None:
    """The page at phone and desktop widths, whole."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)


def _sign_in(page, base, email, password):
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/**")


def _leader_group() -> tuple[Group, User, User]:
    group = GroupFactory(name="Owls")
    leader = MemberFactory(
        group=group, email="lea@example.com", display_name="Lea Leader", has_personal_password=True
    )
    other = MemberFactory(group=group, email="olly@example.com", display_name="Olly Owl")
    MemberFactory(group=group, display_name="Pat Owl", email="pat@example.com")
    group.leader = leader
    group.save(update_fields=["leader"])
    return group, leader, other


def test_a_leader_cannot_remove_themselves_and_is_asked_before_removing_or_handing_on(
    live_server, page
):
    group, leader, other = _leader_group()
    base = live_server.url
    _sign_in(page, base, leader.email, PERSONAL_PASSWORD)
    page.goto(f"{base}/group/")
    members = page.locator("ul.members")
    expect(members).to_contain_text("Lea Leader")
    expect(page.get_by_role("button", name="Remove Lea Leader")).to_have_count(0)
    _shoot(page, "group-leader")

    page.get_by_role("button", name="Remove Olly Owl").click()
    expect(page.get_by_role("heading", name="Remove Olly Owl from Owls?")).to_be_focused()
    _shoot(page, "confirm-remove")
    page.get_by_role("link", name="Cancel").click()
    expect(members).to_contain_text("Olly Owl")
    assert User.objects.get(pk=other.pk).group_id == group.pk

    page.get_by_role("button", name="Remove Olly Owl").click()
    page.get_by_role("button", name="Remove Olly Owl").click()  # the confirmation's button
    expect(page.get_by_role("status")).to_contain_text("Olly Owl has left the group.")
    assert User.objects.get(pk=other.pk).group_id is None

    page.get_by_label("New leader").select_option(label="Pat Owl <pat@example.com>")
    page.get_by_role("button", name="Make leader").click()
    expect(page.get_by_role("heading", name="Make Pat Owl the leader of Owls?")).to_be_visible()
    expect(page.get_by_text("You will no longer manage the group")).to_be_visible()
    page.get_by_role("button", name="Make Pat Owl leader").click()
    expect(page.get_by_role("status")).to_contain_text("Leadership handed on.")
    group.refresh_from_db()
    assert group.leader.display_name == "Pat Owl"
    assert User.objects.get(pk=leader.pk).group_id == group.pk  # still in, still signed in


def test_a_group_form_error_is_summarised_at_the_top_and_focused(live_server, page):
    _group, leader, _other = _leader_group()
    base = live_server.url
    _sign_in(page, base, leader.email, PERSONAL_PASSWORD)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{base}/group/")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Name", exact=True).fill("Nia")
    page.get_by_role("button", name="Add", exact=True).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") < 800
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Email")).to_have_value("not-an-email")
    _shoot(page, "group-error-summary")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Email")).to_be_focused()


def test_buying_a_title_asks_first(live_server, page):
    member = MemberFactory(email="buyer@example.com", has_personal_password=True)
    credits_grant(user_id=member.pk, amount=80, reason="test", source_key=f"e2e:{member.pk}")
    TitleFactory(cost=50, name="Pathfinder")
    base = live_server.url
    _sign_in(page, base, member.email, PERSONAL_PASSWORD)
    page.goto(f"{base}/season/")
    page.get_by_role("button", name="Buy Pathfinder for 50 credits").click()
    expect(page.get_by_role("heading", name="Buy “Pathfinder” for 50 credits?")).to_be_visible()
    assert not OwnedTitle.objects.filter(user=member).exists()
    _shoot(page, "confirm-title")
    page.get_by_role("button", name="Buy for 50 credits").click()
    expect(page.get_by_text("“Pathfinder” is yours.")).to_be_visible()
    expect(page.get_by_test_id("wallet-balance")).to_have_text("30 credits")


def test_a_mentor_is_asked_before_rejecting_one_or_the_checked(live_server, page):
    programme = Programme()
    mentor = StaffFactory(email="mentor@example.com", role=User.Role.MENTOR)
    programme.mine.mentors.add(mentor)
    one = programme.pending(programme.students[0])
    two = programme.pending(programme.students[1], programme.assignment(title="Second"))
    base = live_server.url
    _sign_in(page, base, "mentor@example.com", STAFF_PASSWORD)
    page.goto(f"{base}/mentor/")
    row = page.locator(f"tr[data-submission='{one.pk}']")
    row.get_by_label("Feedback").fill("This is another task's work.")
    row.get_by_role("button", name="Reject").click()
    expect(page.get_by_role("heading", name="Reject “")).to_be_visible()
    _shoot(page, "confirm-reject")
    page.get_by_role("button", name="Reject", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Rejected")
    assert Submission.objects.get(pk=one.pk).status == "rejected"

    page.get_by_label(f"Select Second by {programme.students[1].display_name}").check()
    page.get_by_label("Feedback for the checked").fill("Wrong week.")
    page.get_by_role("button", name="Reject the checked").click()
    expect(page.get_by_role("heading", name="Reject 1 submission?")).to_be_visible()
    assert Submission.objects.get(pk=two.pk).status == "pending"
    page.get_by_role("button", name="Reject 1").click()
    expect(page.get_by_role("status")).to_contain_text("1 submission reviewed.")
    assert Submission.objects.get(pk=two.pk).status == "rejected"


def test_a_member_sets_name_zone_and_colour_and_is_offered_the_browser_zone(live_server, browser):
    member = MemberFactory(
        email="eu@example.com", time_zone="America/Chicago", has_personal_password=True
    )
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, timezone_id="Europe/Madrid"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    base = live_server.url
    try:
        _sign_in(page, base, member.email, PERSONAL_PASSWORD)
        offer = page.locator("[data-zone-offer]")
        expect(offer).to_be_visible()
        expect(offer).to_contain_text("Europe/Madrid")
        _shoot(page, "zone-offer")
        offer.get_by_role("button", name="Use Europe/Madrid").click()
        expect(page.get_by_role("status")).to_contain_text("Your time zone is Europe/Madrid.")
        expect(page.locator("[data-zone-offer]")).to_have_count(0)
        member.refresh_from_db()
        assert member.time_zone == "Europe/Madrid"

        page.goto(f"{base}/profile/")
        page.get_by_label("Time zone").fill("Europe/Atlantis")
        page.get_by_label("Your name").fill("Eva Europe")
        page.get_by_role("button", name="Save").first.click()
        expect(page.locator("[data-error-summary]")).to_be_focused()
        expect(page.get_by_label("Time zone")).to_have_value("Europe/Atlantis")
        _shoot(page, "profile-error")
        page.get_by_label("Time zone").fill("Europe/Lisbon")
        page.get_by_label("Marker colour").fill("#aa3300")
        page.get_by_role("button", name="Save").first.click()
        expect(page.get_by_role("status")).to_contain_text("are saved")
        member.refresh_from_db()
        assert (member.display_name, member.time_zone, member.marker_colour) == (
            "Eva Europe",
            "Europe/Lisbon",
            "#aa3300",
        )
        expect(page.locator(".signout .who")).to_have_text("Eva Europe")
        _shoot(page, "profile-member")
    finally:
        context.close()


def test_staff_get_navigation_activity_map_and_profile_that_fit_their_role(live_server, page):
    path_create(name="Camino")
    group = GroupFactory(name="Herons")
    MemberFactory(group=group, display_name="Hana Heron")
    mentor = StaffFactory(email="mentor@example.com", role=User.Role.MENTOR)
    group.mentors.add(mentor)
    base = live_server.url
    _sign_in(page, base, mentor.email, STAFF_PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    for hidden in ("Activity", "Season", "Submissions", "My group"):
        expect(nav.get_by_role("link", name=hidden, exact=True)).to_have_count(0)
    expect(nav.get_by_role("link", name="Mentor")).to_be_visible()
    _shoot(page, "nav-mentor")

    page.goto(f"{base}/activity/")
    expect(page.get_by_role("heading", name="Logging steps is for members")).to_be_visible()
    expect(page.get_by_label("Steps", exact=True)).to_have_count(0)
    _shoot(page, "activity-staff")

    page.goto(f"{base}/map/")
    page.get_by_label("Group", exact=True).select_option(label="Herons")
    page.get_by_role("button", name="Show on the map").click()
    expect(page.get_by_role("heading", name="Where everyone is")).to_be_visible()
    expect(page.get_by_label("Group", exact=True)).to_have_value(str(group.pk))
    _shoot(page, "map-staff")

    page.goto(f"{base}/profile/")
    expect(page.get_by_role("heading", name="About you")).to_be_visible()
    expect(page.get_by_role("heading", name="LeetCode")).to_have_count(0)
    expect(page.get_by_role("heading", name="API tokens")).to_have_count(0)
    _shoot(page, "profile-staff")
