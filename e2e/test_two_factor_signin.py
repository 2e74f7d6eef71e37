"""An organiser's first sign-in enrols an authenticator (the code computed here from the
device key, as a phone would), and the next sign-in asks for a fresh code."""

import datetime as dt

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


def test_an_organiser_enrols_then_signs_in_with_a_code(live_server, page, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no pause after the deliberate typo below
    organiser = StaffFactory(email="boss@example.com", display_name="Bea Boss")
    base = live_server.url
    _password(page, base)
    page.wait_for_url(f"{base}/2fa/setup/**")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    device = TOTPDevice.objects.get(user=organiser, confirmed=False)
    shown = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert len(shown) == 32  # the 20-byte key in base32, for typing in by hand

    page.get_by_label("Code").fill("000000" if _code(device) != "000000" else "111111")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    page.get_by_label("Code").fill(_code(device))
    page.get_by_role("button", name="Confirm").click()
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
        "sign_in", "two_factor_failed", "two_factor_enrolled", "sign_in", "two_factor_verified",
    ]  # fmt: skip
