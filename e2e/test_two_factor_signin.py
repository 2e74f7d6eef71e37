"""An organiser's first sign-in enrols an authenticator (the code computed here from the
device key, as a phone would), and the next sign-in asks for a fresh code."""

import base64
import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from cohort.accounts.tests.factories import STAFF_PASSWORD, StaffFactory
from cohort.ops.models import AuditEvent

pytestmark = [pytest.mark.e2e, pytest.mark.two_factor, pytest.mark.django_db(transaction=True)]


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _password(page, base):
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill("boss@example.com")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _shown_device(page, user) -> TOTPDevice:
    """The set-up page's authenticator. Once in the full suite a second unconfirmed device
    was started beside the page (a concurrent request of the same session, not pinned down):
    reload once everything has settled, so the page shows the session's own device, and
    pick the device whose key the page shows."""
    page.wait_for_load_state("networkidle")
    page.reload()
    shown = page.locator("#totp-secret").inner_text().replace(" ", "")
    for device in TOTPDevice.objects.filter(user=user, confirmed=False):
        if base64.b32encode(device.bin_key).decode().rstrip("=") == shown:
            return device
    raise AssertionError(f"no unconfirmed device of {user} has the key the page shows")


def test_an_organiser_enrols_then_signs_in_with_a_code(live_server, page, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no pause after the deliberate typo below
    organiser = StaffFactory(email="boss@example.com", display_name="Bea Boss")
    base = live_server.url
    _password(page, base)
    page.wait_for_url(f"{base}/2fa/setup/**")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    device = _shown_device(page, organiser)
    shown = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert len(shown) == 32  # the 20-byte key in base32, for typing in by hand

    page.get_by_label("Code").fill("000000" if _code(device) != "000000" else "111111")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    page.get_by_label("Code").fill(_code(device))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert page.locator("li.recovery-code").count() == 10
    page.get_by_role("link", name="I have saved them, continue").click()
    page.wait_for_url(f"{base}/")
    expect(page.get_by_role("heading", name="Hello, Bea Boss")).to_be_visible()

    page.context.clear_cookies()
    # The next time step: a code is accepted once, as a phone shows a new one 30 s later.
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=31)):
        _password(page, base)
        page.wait_for_url(f"{base}/2fa/**")
        expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
        page.goto(f"{base}/analytics/")  # still closed: back to the code page
        page.wait_for_url(f"{base}/2fa/?next=%2Fanalytics%2F")
        device.refresh_from_db()
        page.get_by_label("Code").fill(_code(device))
        page.get_by_role("button", name="Verify").click()
        page.wait_for_url(f"{base}/analytics/")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "sign_in", "two_factor_failed", "two_factor_enrolled", "two_factor_recovery_codes",
        "sign_in", "two_factor_verified",
    ]  # fmt: skip


SHOTS = Path("/tmp/shots-misc")  # noqa: S108 - the brief's folder for screenshots


def _shots(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_lost_phone_recovery_code_then_a_colleague_resets_it_in_the_browser(
    live_server, page, settings
):
    """The code pages have no navigation that bounces; enrolment gives recovery codes; one
    of them signs in once; new codes come from the profile after a code; another organiser
    resets the authenticator in the admin, and the next sign-in enrols a new phone."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    organiser = StaffFactory(email="boss@example.com", display_name="Bea Boss")
    StaffFactory(email="colleague@example.com", display_name="Cole League")
    base = live_server.url
    _password(page, base)
    page.wait_for_url(f"{base}/2fa/setup/**")
    header = page.locator("header.site-header")
    assert header.get_by_role("link").count() == 0  # nothing that would bounce back here
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()
    _shots(page, "2fa-setup")
    device = _shown_device(page, organiser)
    page.get_by_label("Code").fill(_code(device))
    page.get_by_role("button", name="Confirm").click()
    codes = page.locator("li.recovery-code").all_inner_texts()
    assert len(codes) == 10
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    expect(page.get_by_role("button", name="Copy")).to_be_visible()
    _shots(page, "2fa-recovery-codes")
    page.get_by_role("link", name="I have saved them, continue").click()
    page.wait_for_url(f"{base}/")

    # The phone is lost: a recovery code signs in, once.
    page.context.clear_cookies()
    _password(page, base)
    page.wait_for_url(f"{base}/2fa/**")
    assert page.locator("header.site-header").get_by_role("link").count() == 0
    _shots(page, "2fa-code")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{base}/")
    expect(page.get_by_role("status")).to_contain_text("recovery code; 9 codes left")

    # New codes from the profile, after a code step (another recovery code here).
    page.goto(f"{base}/profile/")
    expect(page.get_by_text("9 recovery codes left.")).to_be_visible()
    _shots(page, "profile-two-factor")
    page.get_by_role("link", name="Make new recovery codes").click()
    _shots(page, "profile-recovery-codes")
    page.get_by_label("Code", exact=True).fill(codes[1])
    page.get_by_role("button", name="Make new codes").click()
    fresh = page.locator("li.recovery-code").all_inner_texts()
    assert len(fresh) == 10 and not set(fresh) & set(codes)

    # A colleague resets Bea's two-factor from the admin, in the browser.
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill("colleague@example.com")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/2fa/setup/**")
    colleague_device = TOTPDevice.objects.get(user__email="colleague@example.com")
    page.get_by_label("Code").fill(_code(colleague_device))
    page.get_by_role("button", name="Confirm").click()
    page.goto(f"{base}/admin/accounts/user/?q=boss%40example.com")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("reset_two_factor")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("Reset two-factor sign-in of 1 organiser;")).to_be_visible()
    assert not TOTPDevice.objects.filter(user=organiser).exists()
    event = AuditEvent.objects.get(action="two_factor_reset")
    assert event.actor.email == "colleague@example.com" and event.target_id == organiser.pk

    page.context.clear_cookies()
    _password(page, base)
    page.wait_for_url(f"{base}/2fa/setup/**")  # the new phone is set up
