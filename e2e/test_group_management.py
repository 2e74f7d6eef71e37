"""Filling a group to its cap of 20: through the admin (organiser) and the group page (leader)."""

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

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _admin_add_member(page, base, email, name, group_name):
    page.goto(f"{base}/admin/accounts/user/add/")
    page.locator("#id_email").fill(email)
    page.locator("#id_display_name").fill(name)
    page.locator("#id_role").select_option("member")
    page.locator("#id_group").select_option(label=group_name)
    page.locator("input[name='_save']").click()


def test_an_organiser_creates_a_group_in_the_admin_and_fills_it(live_server, page):
    StaffFactory(email="organiser@example.com")
    base = live_server.url
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.locator("#id_username").fill("organiser@example.com")
    page.locator("#id_password").fill(STAFF_PASSWORD)
    page.locator("input[type='submit']").click()
    page.wait_for_url(f"{base}/admin/")

    page.goto(f"{base}/admin/accounts/group/add/")
    page.locator("#id_name").fill("Herons")
    page.locator("#id_new_password").fill("herons-walk-the-shore")
    page.locator("input[name='_save']").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Herons")
    herons = Group.objects.get(name="Herons")

    for i in range(19):
        MemberFactory(group=herons, email=f"heron{i}@example.com")

    _admin_add_member(page, base, "heron20@example.com", "Twentieth Heron", "Herons")
    expect(page.locator("ul.messagelist")).to_contain_text("was added successfully")
    herons.refresh_from_db()
    assert herons.member_count == 20
    assert User.objects.get(email="heron20@example.com").group_id == herons.pk

    _admin_add_member(page, base, "heron21@example.com", "One Too Many", "Herons")
    expect(page.locator(".errorlist").first).to_have_text("Herons is full (20 members).")
    herons.refresh_from_db()
    assert herons.member_count == 20
    assert not User.objects.filter(email="heron21@example.com").exists()


def test_a_leader_adds_the_twentieth_member_and_the_twenty_first_is_refused(live_server, page):
    group = GroupFactory(name="Owls")
    # Leaders sign in with their personal password: the tools need one (see
    # test_personal_password.py for a leader who has none yet).
    leader = MemberFactory(
        group=group,
        email="leader@example.com",
        display_name="Lee Leader",
        has_personal_password=True,
    )
    group.leader = leader
    group.save(update_fields=["leader"])
    for _ in range(18):
        MemberFactory(group=group)
    base = live_server.url
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill("leader@example.com")
    page.get_by_label("Password").fill(PERSONAL_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")

    page.get_by_role("link", name="My group").click()
    expect(page.get_by_role("heading", name="Owls", exact=True)).to_be_visible()
    expect(page.get_by_text("19 of 20 members")).to_be_visible()
    # A second tab, opened while there is still room, tries the 21st afterwards.
    stale = page.context.new_page()
    stale.goto(f"{base}/group/")
    expect(stale.get_by_text("19 of 20 members")).to_be_visible()

    page.get_by_label("Email").fill("twenty@example.com")
    page.get_by_label("Name").fill("Twenty Owl")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Member added.")
    expect(page.get_by_text("20 of 20 members")).to_be_visible()
    expect(page.locator("ul.members")).to_contain_text("Twenty Owl")
    expect(page.get_by_role("button", name="Add", exact=True)).to_be_disabled()
    expect(page.get_by_text("The group is full")).to_be_visible()

    stale.get_by_label("Email").fill("twentyone@example.com")
    stale.get_by_label("Name").fill("One Too Many")
    stale.get_by_role("button", name="Add", exact=True).click()
    expect(stale.get_by_role("alert").get_by_role("listitem")).to_have_text(
        "Owls is full: a group has at most 20 members."
    )
    group.refresh_from_db()
    assert group.member_count == 20
    assert not User.objects.filter(email="twentyone@example.com").exists()
