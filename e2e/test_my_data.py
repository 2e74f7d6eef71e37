"""Issue 22 in the browser: the first organiser from the set-up link (with two-factor
enrolment), a member's data export and account closure (own password, and the group
password with the emailed link), an organiser closing an account on request, and the
terms the organiser writes, accepted at the member's next page. Screenshots at 390 and
1280 px of each page added go to /work/shots/mydata/."""

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from cohort.accounts.models import User
from cohort.accounts.tests.factories import (
    GROUP_PASSWORD,
    PERSONAL_PASSWORD,
    STAFF_PASSWORD,
    MemberFactory,
    StaffFactory,
)
from cohort.activity.models import DailyActivity
from cohort.ops.models import AuditEvent

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/shots/mydata")
ORGANISER_PASSWORD = "the-first-organisers-own-passphrase"


def _shots(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _sign_in(page, base, email, password):
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.two_factor
def test_the_set_up_link_enrols_the_first_organiser_then_dies(live_server, page):
    base = live_server.url
    out = io.StringIO()
    call_command("setup_link", "--base-url", base, stdout=out)
    link = re.search(r"(http://\S+/setup/\S+/)", out.getvalue())[1]
    page.goto(link)
    expect(page.get_by_role("heading", name="Set up Cohort")).to_be_visible()
    _shots(page, "setup-link")
    page.get_by_label("Your name").fill("Olga Organiser")
    page.get_by_label("Your email").fill("olga@example.org")
    page.get_by_label("Your password").fill("short")
    page.get_by_label("Repeat it").fill("short")
    page.get_by_role("button", name="Create the organiser").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Olga Organiser")  # kept
    _shots(page, "setup-link-error")
    page.get_by_label("Your password").fill(ORGANISER_PASSWORD)
    page.get_by_label("Repeat it").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Create the organiser").click()
    page.wait_for_url(f"{base}/2fa/setup/**")
    organiser = User.objects.get(email="olga@example.org")
    device = TOTPDevice.objects.get(user=organiser, confirmed=False)
    page.get_by_label("Code").fill(_code(device))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    page.get_by_role("link", name="I have saved them, continue").click()
    page.wait_for_url(f"{base}/")
    expect(page.get_by_role("heading", name="Hello, Olga Organiser")).to_be_visible()
    assert organiser.role == User.Role.ORGANISER
    assert TOTPDevice.objects.filter(user=organiser, confirmed=True).count() == 1
    # The link is dead now, for anyone.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_role("heading", name="This set-up link cannot be used")).to_be_visible()
    _shots(page, "setup-link-dead")
    out = io.StringIO()
    call_command("setup_link", "--base-url", base, stdout=out)
    assert out.getvalue() == ""  # an organiser exists: no new link


def test_a_member_downloads_their_data_then_closes_their_account(live_server, page):
    base = live_server.url
    member = MemberFactory(
        email="ana@example.org", display_name="Ana Walker", has_personal_password=True
    )
    DailyActivity.objects.create(user=member, date=dt.date(2026, 11, 2), steps=7345)
    _sign_in(page, base, "ana@example.org", PERSONAL_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/profile/#my-data")
    section = page.locator("#my-data")
    expect(section.get_by_role("heading", name="Your data")).to_be_visible()
    section.scroll_into_view_if_needed()
    _shots(page, "profile-your-data")
    with page.expect_download() as download_info:
        section.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert re.fullmatch(r"cohort-my-data-\d{4}-\d\d-\d\d\.zip", download.suggested_filename)
    archive = zipfile.ZipFile(download.path())
    assert json.loads(archive.read("days.json"))[0]["steps"] == 7345
    assert json.loads(archive.read("profile.json"))["email"] == "ana@example.org"

    section.get_by_role("link", name="Close my account").click()
    page.wait_for_url(f"{base}/profile/close/")
    expect(page.get_by_role("heading", name="Close your account")).to_be_visible()
    _shots(page, "account-close")
    page.get_by_label("Your password").fill("not-my-password-at-all")
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Close my account").click()
    expect(page.locator("#id_secret_error")).to_contain_text("not the one you sign in with")
    _shots(page, "account-close-error")
    page.get_by_label("Your password").fill(PERSONAL_PASSWORD)
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Close my account").click()
    expect(page.get_by_role("heading", name="Your account is closed")).to_be_visible()
    _shots(page, "account-closed")
    closed = User.objects.get(pk=member.pk)
    assert not closed.is_active and closed.display_name == "Closed account"
    _sign_in(page, base, "ana@example.org", PERSONAL_PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("do not match")


def test_a_group_password_member_confirms_closing_by_the_emailed_link(live_server, page):
    base = live_server.url
    member = MemberFactory(email="ben@example.org", display_name="Ben")
    _sign_in(page, base, "ben@example.org", GROUP_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/profile/close/")
    page.get_by_label("Your group's password").fill(GROUP_PASSWORD)
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Email me the confirmation link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    _shots(page, "account-close-email-sent")
    (message,) = mail.outbox
    link = re.search(r"(http://\S+/profile/close/confirm/\S+/)", message.body)[1]
    page.goto(link)
    expect(page.get_by_role("heading", name="Close your account now?")).to_be_visible()
    _shots(page, "account-close-confirm-link")
    page.get_by_role("button", name="Close my account").click()
    expect(page.get_by_role("heading", name="Your account is closed")).to_be_visible()
    assert not User.objects.get(pk=member.pk).is_active


def test_an_organiser_closes_an_account_on_request_from_the_admin(live_server, page):
    base = live_server.url
    organiser = StaffFactory(email="boss@example.org")
    member = MemberFactory(email="cleo@example.org", display_name="Cleo")
    _sign_in(page, base, "boss@example.org", STAFF_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/admin/accounts/user/?q=cleo")
    page.locator(f"input[name='_selected_action'][value='{member.pk}']").check()
    page.locator("select[name='action']").select_option("close_account")
    page.locator("button[name='index']").click()  # the admin's "Go"
    page.wait_for_url(f"{base}/people/{member.pk}/close/")
    expect(page.get_by_role("heading", name="Close the account of Cleo?")).to_be_visible()
    _shots(page, "account-close-by-organiser")
    page.get_by_role("button", name="Close the account").click()
    page.wait_for_url(re.compile(r".*/admin/accounts/user/.*"))
    assert not User.objects.get(pk=member.pk).is_active
    event = AuditEvent.objects.get(action="account_closed")
    assert event.actor_id == organiser.pk and event.detail["by"] == "organiser"


def test_the_organiser_writes_terms_and_a_member_accepts_them(live_server, page, browser):
    base = live_server.url
    StaffFactory(email="boss@example.org")
    MemberFactory(email="dan@example.org", display_name="Dan")
    _sign_in(page, base, "boss@example.org", STAFF_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/organise/texts/privacy/")
    page.get_by_label("Text").fill("We keep the steps you log.\n\nWrite to privacy@example.org.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}/privacy/")
    page.goto(f"{base}/organise/texts/terms/")
    page.get_by_label("Text").fill("Walk safely.\n\nBe kind to your group.\n\n<b>not bold</b>")
    _shots(page, "text-edit-terms")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}/terms/")
    expect(page.get_by_text("<b>not bold</b>")).to_be_visible()  # escaped, never HTML
    # The organiser accepts too (the gate applies to everyone signed in).
    page.goto(f"{base}/")
    page.wait_for_url(re.compile(r".*/terms/accept/.*"))
    page.get_by_role("button", name="I accept the terms").click()
    page.wait_for_url(f"{base}/")

    member = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    member.goto(f"{base}/privacy/")
    expect(member.get_by_text("We keep the steps you log.")).to_be_visible()
    _shots(member, "privacy-anonymous")
    _sign_in(member, base, "dan@example.org", GROUP_PASSWORD)
    member.wait_for_url(re.compile(r".*/terms/accept/.*"))
    expect(member.get_by_text("Be kind to your group.")).to_be_visible()
    _shots(member, "terms-accept")
    member.get_by_role("button", name="I accept the terms").click()
    member.wait_for_url(f"{base}/")
    _shots(member, "home-with-footer")
    assert User.objects.get(email="dan@example.org").terms_accepted_version == 1
    member.context.close()
