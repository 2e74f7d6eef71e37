"""The console's People pages and a leader's bulk add, in Chromium (issue 22): a members
CSV with two bad lines shows both by line and writes nothing; the fixed file creates 3
groups and 45 members, each sent a welcome email through a local SMTP server (aiosmtpd);
the new groups' passwords shown once, a sign-in sheet printed with one. Screenshots at 390
and 1280 px of every page, as organiser and as leader, go to PEOPLE_CONSOLE_SHOTS
(/work/shots/people by default, else e2e/artifacts/people)."""

import email
import os
import socket
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from cohort.accounts.models import Group, User
from cohort.accounts.tests.factories import (
    PERSONAL_PASSWORD,
    STAFF_PASSWORD,
    GroupFactory,
    MemberFactory,
    StaffFactory,
)
from cohort.organise.tests.test_people_pages import members_csv

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("PEOPLE_CONSOLE_SHOTS", "/work/shots/people"))
if not SHOTS.parent.exists():
    SHOTS = ARTIFACTS / "people"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 OK"


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server on 127.0.0.1 (a free port), set as the site's mail server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    yield handler
    controller.stop()


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{name} is {wide} px wide at {width}"
    page.set_viewport_size(size)


def _sign_in(page, base, email_address, password):
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email_address)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/**")


def test_an_organiser_imports_45_members_into_3_new_groups_from_a_fixed_file(
    live_server, page, smtp_inbox, tmp_path
):
    StaffFactory(email="organiser@example.com")
    base = live_server.url
    _sign_in(page, base, "organiser@example.com", STAFF_PASSWORD)
    page.goto(f"{base}/group/")
    page.get_by_role("link", name="People: import members").click()
    expect(page.get_by_role("heading", name="People", exact=True)).to_be_visible()
    _shoot(page, "organiser-people")

    bad = tmp_path / "members.csv"
    bad.write_text(members_csv(bad_lines=(5, 12)))
    page.get_by_label("Members CSV").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Lines 5, 12 have errors")
    expect(page.locator("#line-5")).to_contain_text("not a valid email address")
    expect(page.locator("#line-12")).to_contain_text("the name is blank")
    expect(page.get_by_label("Members CSV")).to_have_attribute("aria-invalid", "true")
    assert not User.objects.filter(role=User.Role.MEMBER).exists()
    assert not Group.objects.exists()
    _shoot(page, "organiser-import-errors")

    good = tmp_path / "members-fixed.csv"
    good.write_text(members_csv())
    page.get_by_label("Members CSV").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Every line is fine")).to_be_visible()
    expect(page.locator(".import-report tbody tr")).to_have_count(45)
    assert not Group.objects.exists()  # the preview wrote nothing
    _shoot(page, "organiser-import-preview")

    expect(page.get_by_label("Email each new member a welcome")).to_be_checked()
    page.get_by_role("button", name="Apply the import").click()
    expect(page.get_by_role("heading", name="Members imported")).to_be_visible()
    expect(page.get_by_text("45 members created")).to_be_visible()
    assert sorted(Group.objects.values_list("name", "member_count")) == [
        ("Team 0", 15),
        ("Team 1", 15),
        ("Team 2", 15),
    ]
    assert User.objects.filter(role=User.Role.MEMBER).count() == 45
    assert len(smtp_inbox.messages) == 45
    assert {m["To"] for m in smtp_inbox.messages} == set(
        User.objects.filter(role=User.Role.MEMBER).values_list("email", flat=True)
    )
    welcome = smtp_inbox.messages[0]
    assert "Welcome to Team" in welcome["Subject"]
    assert "/join/" in welcome.get_content() and "/login/" in welcome.get_content()
    password = page.locator("code.password").first.text_content()
    assert Group.objects.get(name="Team 0").check_password(password)
    _shoot(page, "organiser-import-applied")

    # The first group's sign-in sheet, with its password, opens in a new tab to print.
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Sheet with password for Team 0").click()
    sheet = opened.value
    sheet.wait_for_load_state()
    expect(sheet.get_by_role("heading", name="Team 0")).to_be_visible()
    expect(sheet.locator(".sheet-password")).to_have_text(password)
    expect(sheet.locator(".sheet-members tbody tr")).to_have_count(15)
    expect(sheet.locator(".sheet-qr svg")).to_be_visible()
    _shoot(sheet, "organiser-sign-in-sheet")
    sheet.emulate_media(media="print")
    expect(sheet.get_by_role("button", name="Print")).to_be_hidden()
    SHOTS.mkdir(parents=True, exist_ok=True)
    sheet.screenshot(path=str(SHOTS / "organiser-sign-in-sheet-print.png"), full_page=True)


def test_an_organiser_moves_removes_and_brings_back_a_member(live_server, page):
    StaffFactory(email="organiser@example.com")
    owls, larks = GroupFactory(name="Owls"), GroupFactory(name="Larks")
    MemberFactory(group=owls, display_name="Olly Owl", email="olly@example.com")
    base = live_server.url
    _sign_in(page, base, "organiser@example.com", STAFF_PASSWORD)
    page.goto(f"{base}/organise/people/groups/{owls.pk}/")
    _shoot(page, "organiser-group")
    page.get_by_label("Group to move Olly Owl to").select_option(label="Larks")
    page.get_by_role("button", name="Move Olly Owl", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Olly Owl moved to Larks.")
    page.goto(f"{base}/organise/people/groups/{larks.pk}/")
    page.get_by_role("button", name="Remove Olly Owl").click()
    page.get_by_role("button", name="Remove Olly Owl").click()  # the confirmation's
    expect(page.get_by_role("status")).to_contain_text("Olly Owl has left the group.")
    page.goto(f"{base}/organise/people/")
    page.get_by_label("Group to bring Olly Owl back into").select_option(label="Owls")
    page.get_by_role("button", name="Bring back").click()
    expect(page.get_by_role("status")).to_contain_text("Olly Owl is back in Owls.")
    olly = User.objects.get(email="olly@example.com")
    assert (olly.group_id, olly.is_active) == (owls.pk, True)


def test_a_leader_adds_members_from_a_csv_with_welcome_emails(
    live_server, page, smtp_inbox, tmp_path
):
    owls = GroupFactory(name="Owls")
    leader = MemberFactory(
        group=owls, email="lea@example.com", display_name="Lea Leader", has_personal_password=True
    )
    owls.leader = leader
    owls.save(update_fields=["leader"])
    base = live_server.url
    _sign_in(page, base, "lea@example.com", PERSONAL_PASSWORD)
    page.goto(f"{base}/group/")
    expect(page.get_by_role("heading", name="Add members from a CSV")).to_be_visible()
    _shoot(page, "leader-group")

    too_many = tmp_path / "owls.csv"
    too_many.write_text(
        "email,name\n" + "".join(f"owl{i}@example.com,Owl {i}\n" for i in range(20))
    )
    page.get_by_label("Members CSV").set_input_files(str(too_many))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("#line-21")).to_contain_text("would have 21 members")
    assert owls.members.count() == 1
    _shoot(page, "leader-import-errors")

    fixed = tmp_path / "owls-fixed.csv"
    fixed.write_text("email,name\n" + "".join(f"owl{i}@example.com,Owl {i}\n" for i in range(5)))
    page.get_by_label("Members CSV").set_input_files(str(fixed))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("5 members would be added")).to_be_visible()
    _shoot(page, "leader-import-preview")
    page.get_by_role("button", name="Add them").click()
    expect(page.get_by_role("status")).to_contain_text("5 members added.")
    assert owls.members.count() == 6
    assert sorted(m["To"] for m in smtp_inbox.messages) == [f"owl{i}@example.com" for i in range(5)]
    _shoot(page, "leader-import-applied")
