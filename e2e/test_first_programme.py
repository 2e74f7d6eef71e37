"""Issue 22's "Done when", whole, in Chromium from an EMPTY database (no demo, no organiser):
the set-up link from `manage.py setup_link`, the first organiser with their own password
and an authenticator (the code computed from the device key, as a phone would), a members
CSV with two bad lines (both shown by line, nothing written), the fixed file (3 groups and
45 members, each welcomed through a local SMTP server), a first season made in the console
and the next one copied from it, a mentor (made in the admin) assigned to a group.
Then every console page walked as organiser and as coordinator at 390 and 1280 px: the
current tab marked, nothing wider than the window, no raw template text.
Screenshots go to FIRST_PROGRAMME_SHOTS (/work/shots/e2e22 by default, else e2e/artifacts)."""

import datetime as dt
import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from cohort.accounts.models import Group, User
from cohort.accounts.tests.factories import STAFF_PASSWORD, DivisionFactory, StaffFactory
from cohort.competition.models import Season
from cohort.organise.tests.test_people_pages import members_csv

from .conftest import ARTIFACTS
from .test_people_console import smtp_inbox  # noqa: F401 - the local SMTP server fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("FIRST_PROGRAMME_SHOTS", "/work/shots/e2e22"))
if not SHOTS.parent.exists():
    SHOTS = ARTIFACTS / "e2e22"
ORGANISER_PASSWORD = "the-first-organisers-own-passphrase"
MENTOR_PASSWORD = "the-mentors-own-passphrase"
RAW_TEMPLATE = re.compile(r"\{\{|\}\}|\{%|%\}|\bNone\b|\bTrue\b|\bFalse\b")


def _shoot(page, name: str) -> None:
    """Both widths, full page; neither wider than the window nor showing template text."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{name} is {wide} px wide at {width}"
    text = page.locator("body").inner_text()
    assert not RAW_TEMPLATE.search(text), f"{name} shows {RAW_TEMPLATE.search(text)[0]!r}"
    page.set_viewport_size(size)


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.mark.two_factor
def test_a_first_programme_from_an_empty_database(live_server, page, smtp_inbox, tmp_path):  # noqa: F811
    assert not User.objects.exists() and not Group.objects.exists()
    assert not Season.objects.exists()
    base = live_server.url

    # 1. The set-up link, as `make run` prints it.
    out = io.StringIO()
    call_command("setup_link", "--base-url", base, stdout=out)
    link = re.search(r"(http://\S+/setup/\S+/)", out.getvalue())[1]
    page.goto(link)
    expect(page.get_by_role("heading", name="Set up Cohort")).to_be_visible()
    _shoot(page, "01-setup-link")
    page.get_by_label("Your name").fill("Olga Organiser")
    page.get_by_label("Your email").fill("olga@example.org")
    page.get_by_label("Your password").fill(ORGANISER_PASSWORD)
    page.get_by_label("Repeat it").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Create the organiser").click()

    # 2. Two-factor enrolment, straight after.
    page.wait_for_url(f"{base}/2fa/setup/**")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    organiser = User.objects.get(email="olga@example.org")
    assert organiser.role == User.Role.ORGANISER
    device = TOTPDevice.objects.get(user=organiser, confirmed=False)
    shown = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert len(shown) == 32
    _shoot(page, "02-two-factor-setup")
    page.get_by_label("Code").fill(_code(device))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    _shoot(page, "03-recovery-codes")
    page.get_by_role("link", name="I have saved them, continue").click()
    page.wait_for_url(f"{base}/")
    assert TOTPDevice.objects.filter(user=organiser, confirmed=True).count() == 1

    # 3. The console on an empty site.
    page.goto(f"{base}/organise/")
    _shoot(page, "04-console-empty")

    # 4. A members CSV with two bad lines: both by line, nothing written.
    page.locator("nav.tabs").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People", exact=True)).to_be_visible()
    _shoot(page, "05-people-empty")
    bad = tmp_path / "members.csv"
    bad.write_text(members_csv(bad_lines=(5, 12)))
    page.get_by_label("Members CSV").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Lines 5, 12 have errors")
    expect(page.locator("#line-5")).to_contain_text("not a valid email address")
    expect(page.locator("#line-12")).to_contain_text("the name is blank")
    assert list(User.objects.values_list("email", flat=True)) == ["olga@example.org"]
    assert not Group.objects.exists()
    _shoot(page, "06-import-two-bad-lines")

    # 5. The fixed file: 3 groups, 45 members, 45 welcome emails.
    good = tmp_path / "members-fixed.csv"
    good.write_text(members_csv())
    page.get_by_label("Members CSV").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Every line is fine")).to_be_visible()
    assert not Group.objects.exists()
    _shoot(page, "07-import-preview")
    expect(page.get_by_label("Email each new member a welcome")).to_be_checked()
    page.get_by_role("button", name="Apply the import").click()
    expect(page.get_by_role("heading", name="Members imported")).to_be_visible()
    expect(page.get_by_text("45 members created")).to_be_visible()
    assert sorted(Group.objects.values_list("name", "member_count")) == [
        ("Team 0", 15),
        ("Team 1", 15),
        ("Team 2", 15),
    ]
    members = User.objects.filter(role=User.Role.MEMBER)
    assert members.count() == 45
    assert len(smtp_inbox.messages) == 45
    assert {m["To"] for m in smtp_inbox.messages} == set(members.values_list("email", flat=True))
    assert all("/join/" in m.get_content() for m in smtp_inbox.messages)
    _shoot(page, "08-import-applied")

    # 6. Seasons: the first one made in the console, then the next copied from it.
    page.goto(f"{base}/organise/seasons/")
    expect(page.get_by_text("No season yet.")).to_be_visible()
    _shoot(page, "09-seasons-empty")
    today = timezone.localdate()
    first_day = today.replace(day=1)
    page.get_by_label("First day").fill(first_day.isoformat())
    page.get_by_role("button", name="Create the season").click()
    expect(page.get_by_role("status")).to_contain_text("created")
    first = Season.objects.get()
    assert (first.starts_on, first.status) == (first_day, "upcoming")
    # It starts now, after the confirmation.
    page.get_by_role("button", name="Start now").click()
    page.get_by_role("button", name="Start the season now").click()
    expect(page.get_by_role("status")).to_contain_text("has begun")
    first.refresh_from_db()
    assert first.status == "active"
    next_day = first.ends_on + dt.timedelta(days=1)
    following = page.get_by_role("region", name="The next season")
    expect(following.get_by_label("First day")).to_have_value(next_day.isoformat())
    expect(following.get_by_text(f"Copied from {first.name}")).to_be_visible()
    _shoot(page, "10-seasons-first")
    following.get_by_role("button", name="Create the season").click()
    expect(page.get_by_role("status")).to_contain_text("created")
    second = Season.objects.exclude(pk=first.pk).get()
    assert second.starts_on == next_day
    assert (second.point_cap, second.credit_divisor) == (first.point_cap, first.credit_divisor)
    _shoot(page, "11-seasons-copied")

    # 7. A mentor: the account made in the admin, then assigned to a group in the console.
    page.goto(f"{base}/admin/accounts/user/add/")
    page.locator("#id_email").fill("mo@example.org")
    page.locator("#id_display_name").fill("Mo Mentor")
    page.locator("#id_role").select_option("mentor")
    page.locator("#id_new_password").fill(MENTOR_PASSWORD)
    page.locator("input[name='_save']").click()
    expect(page.locator("ul.messagelist")).to_contain_text("was added successfully")
    mentor = User.objects.get(email="mo@example.org")
    page.goto(f"{base}/organise/mentors/")
    page.get_by_label("Group", exact=True).select_option(label="Team 1")
    page.get_by_label("Mentor", exact=True).select_option(label="Mo Mentor (mo@example.org)")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text("Mentors of Team 1 updated.")
    assert list(Group.objects.get(name="Team 1").mentors.all()) == [mentor]
    expect(page.locator(f"tr[data-mentor='{mentor.pk}']")).to_contain_text("Team 1")
    _shoot(page, "12-mentor-assigned")

    # 8. The morning's overview after all that.
    page.goto(f"{base}/organise/")
    _shoot(page, "13-console-overview")


def _walk(page, base, who: str, team_id: int) -> None:
    """Every console page: its tab marked current, nothing wider than the window."""
    pages = [
        ("/organise/", "Overview"),
        ("/organise/people/", "People"),
        (f"/organise/people/groups/{team_id}/", "People"),
        ("/organise/seasons/", "Seasons"),
        ("/organise/mentors/", "Mentors"),
        ("/organise/audit/", "Audit"),
        ("/organise/analytics/", "Analytics"),
        ("/organise/paths/", "Paths"),
    ]
    if who == "organiser":
        pages += [("/organise/texts/terms/", "Privacy and terms")]
        pages += [("/organise/texts/privacy/", "Privacy and terms")]
    for url, tab in pages:
        response = page.goto(f"{base}{url}")
        assert response.status == 200, (who, url, response.status)
        current = page.locator("nav.tabs [aria-current='page']")
        expect(current).to_have_count(1)
        expect(current).to_have_text(tab)
        name = url.strip("/").replace(f"groups/{team_id}", "group").replace("/", "-")
        _shoot(page, f"walk-{who}-{name}")


def test_every_console_page_as_organiser_and_coordinator(live_server, page, tmp_path):
    base = live_server.url
    floor = DivisionFactory(name="Floor A")
    StaffFactory(email="organiser@example.com")
    StaffFactory(email="coco@example.com", role=User.Role.COORDINATOR, division=floor)
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill("organiser@example.com")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/**")
    # The import preview (its own page, reached from People).
    page.goto(f"{base}/organise/people/")
    csv = tmp_path / "members.csv"
    csv.write_text(members_csv(groups=2, per_group=3))
    page.get_by_label("Members CSV").set_input_files(str(csv))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Every line is fine")).to_be_visible()
    current = page.locator("nav.tabs [aria-current='page']")
    expect(current).to_have_text("People")
    _shoot(page, "walk-organiser-import-preview")
    page.get_by_role("button", name="Apply the import").click()
    expect(page.get_by_role("heading", name="Members imported")).to_be_visible()
    expect(current).to_have_text("People")
    _shoot(page, "walk-organiser-import-applied")
    Group.objects.update(division=floor)
    team = Group.objects.get(name="Team 0")
    _walk(page, base, "organiser", team.pk)

    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill("coco@example.com")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/**")
    _walk(page, base, "coordinator", team.pk)
