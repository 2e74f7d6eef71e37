"""The walk-through's broken progress flows, walked in the browser: hiding a name, making a
path current, chained paths, members on the dashboard from joining, the mentor pages' wording,
and the units, edit window and "just now" on the pages. Screenshots at 390 and 1280 px go to
SHOTS_DIR (default e2e/artifacts/progress)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cohort.accounts.services.invites import invite_token_create
from cohort.accounts.tests.factories import (
    GROUP_PASSWORD,
    STAFF_PASSWORD,
    GroupFactory,
    MemberFactory,
    StaffFactory,
)
from cohort.activity.services.daily import activity_log
from cohort.core.clock import user_today
from cohort.journeys.tests.factories import STEPS_PER_UNIT, path_create
from cohort.reviews.tests.factories import mentor_of

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", ARTIFACTS / "progress"))


def _shots(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def _sign_in(page, base: str, email: str, password: str = GROUP_PASSWORD) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/**")


def test_hiding_a_name_shows_on_the_next_board_request(live_server, page):
    base = live_server.url
    path_create(total=2000, milestones=(("Start", 0), ("End", 2000)))
    owls = GroupFactory(name="Owls")
    shy = MemberFactory(group=owls, email="shy@example.com", display_name="Shy Walker")
    activity_log(
        user=shy, day=user_today(shy), steps=30_000
    )  # under the flag threshold: counts in full
    MemberFactory(group=GroupFactory(name="Larks"), email="lark@example.com")

    _sign_in(page, base, "lark@example.com")
    page.goto(f"{base}/leaderboards/?board=progress")
    expect(page.locator("table.board")).to_contain_text("Shy Walker")  # cached now

    _sign_in(page, base, "shy@example.com")
    page.goto(f"{base}/profile/")
    page.get_by_label("Hide my name").check()
    page.locator("section[aria-labelledby=privacy-heading]").get_by_role("button").click()

    _sign_in(page, base, "lark@example.com")
    page.goto(f"{base}/leaderboards/?board=progress")
    board = page.locator("table.board")
    expect(board).to_contain_text("a member of Owls")
    expect(board).not_to_contain_text("Shy Walker")
    expect(board).to_contain_text("300.0 km")  # the unit, rounded to a tenth
    page.goto(f"{base}/leaderboards/?board=groups")
    expect(page.locator("table.board")).to_contain_text("300.0 km")
    _shots(page, "groups-board")


def test_an_organiser_makes_paths_current_in_the_admin(live_server, page):
    base = live_server.url
    path_create(name="Old Way")
    walker = MemberFactory(email="walker@example.com", display_name="Wanda")
    today = user_today(walker)
    for back in (2, 1):
        activity_log(user=walker, day=today - dt.timedelta(days=back), steps=15 * STEPS_PER_UNIT)
    later = today + dt.timedelta(days=3)
    path_create(name="Future Way", start=later, current=False)
    path_create(name="Started Way", start=today - dt.timedelta(days=1), current=False)
    StaffFactory(email="boss@example.com")

    _sign_in(page, base, "boss@example.com", STAFF_PASSWORD)
    page.goto(f"{base}/admin/journeys/path/")
    page.get_by_role("row", name="Future Way").get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("make_current")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Future Way starts on {later:%-d %B %Y}")
    _shots(page, "admin-future-path")

    page.get_by_role("row", name="Started Way").get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("make_current")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("Done: members now walk this path")

    _sign_in(page, base, "walker@example.com")
    page.goto(f"{base}/map/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Started Way")
    expect(page.locator(".stats")).to_contain_text("1,500 steps")  # yesterday's, counted


def test_a_finisher_walks_on_to_the_next_path_on_map_and_dashboard(live_server, page):
    base = live_server.url
    back = path_create(name="Way Back", current=False)
    there = path_create(name="Way There", next_path=back)
    back.start_date = there.start_date
    back.save()
    group = GroupFactory()
    ann = MemberFactory(group=group, email="ann@example.com", display_name="Ann")
    MemberFactory(group=group, email="bob@example.com", display_name="Bob")
    today = user_today(ann)
    activity_log(user=ann, day=today - dt.timedelta(days=2), steps=100 * STEPS_PER_UNIT)
    activity_log(user=ann, day=today - dt.timedelta(days=1), steps=20 * STEPS_PER_UNIT)

    _sign_in(page, base, "ann@example.com")
    page.goto(f"{base}/map/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Way Back")
    expect(page.locator("ul.legend")).to_contain_text("Ann (you) · 20.00 km")
    expect(page.get_by_role("link", name="Way There (1 walking)")).to_be_visible()
    _shots(page, "map-chained")
    page.goto(f"{base}/")
    row = page.get_by_role("row", name="Ann")
    expect(row).to_contain_text("20.0 km")
    expect(row).to_contain_text("on Way Back")
    _shots(page, "dashboard-chained")


def test_a_member_who_joins_is_on_the_organisers_dashboard_at_once(live_server, page):
    base = live_server.url
    path_create()
    group = GroupFactory(name="Pilgrims")
    StaffFactory(email="boss@example.com")
    page.goto(base + reverse("accounts:join", args=[invite_token_create(group=group)]))
    page.get_by_label("Your name").fill("Nora New")
    page.get_by_label("Email").fill("nora@example.com")
    page.get_by_role("button", name="Join the group").click()
    page.wait_for_url(f"{base}/")
    expect(page.get_by_role("row", name="Nora New")).to_be_visible()

    _sign_in(page, base, "boss@example.com", STAFF_PASSWORD)
    page.goto(f"{base}/")
    expect(page.get_by_role("row", name="Nora New")).to_contain_text("0.0 km")
    _shots(page, "organiser-dashboard")


def test_mentor_pages_say_no_target_set_and_a_full_group_is_balanced(live_server, page):
    from cohort.analytics.services import analytics_recompute

    base = live_server.url
    path_create()
    group = GroupFactory(name="Full House")
    for n in range(20):
        MemberFactory(group=group, display_name=f"Student {n:02d}")
    mentor = mentor_of(group)
    mentor.email = "mentor@example.com"
    mentor.set_password(STAFF_PASSWORD)
    mentor.save()
    StaffFactory(email="boss@example.com")
    analytics_recompute()

    _sign_in(page, base, "mentor@example.com", STAFF_PASSWORD)
    page.goto(f"{base}/mentor/students/")
    students = page.get_by_test_id("students")
    expect(students).to_contain_text("no target set")
    expect(students).not_to_contain_text("on target")
    _shots(page, "mentor-students")

    _sign_in(page, base, "boss@example.com", STAFF_PASSWORD)
    page.goto(f"{base}/analytics/")
    workload = page.get_by_test_id("workload")
    expect(workload.get_by_role("row", name=mentor.display_name)).to_contain_text("balanced")
    expect(page.locator("body")).to_contain_text("Balanced: up to 20 students")
    _shots(page, "analytics-workload")


def test_the_log_page_states_the_window_it_keeps_and_notices_say_just_now(live_server, page):
    base = live_server.url
    path_create()
    MemberFactory(email="walker@example.com")
    _sign_in(page, base, "walker@example.com")
    page.goto(f"{base}/activity/")
    expect(page.locator("body")).to_contain_text("today and the 6 days before it")
    assert page.locator("select[name=day] option").count() == 7
    page.get_by_label("Steps").fill(str(10 * STEPS_PER_UNIT))  # passes Ford: a notification
    page.get_by_role("button", name="Save").click()
    _shots(page, "activity-log")
    page.goto(f"{base}/notifications/")
    # The first <time> outside the offline banner (empty until a kept copy is shown).
    expect(page.locator("time:not([data-offline-banner] time)").first).to_have_text("just now")
    _shots(page, "notifications")
