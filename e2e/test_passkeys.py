"""Passkeys in Chromium's virtual authenticator (DevTools WebAuthn domain): a member with a
personal password adds a passkey on the profile, signs out, and signs in with it alone."""

import pytest
from playwright.sync_api import expect

from cohort.accounts.models import Passkey
from cohort.accounts.tests.factories import PERSONAL_PASSWORD, MemberFactory
from cohort.ops.models import AuditEvent

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_a_member_adds_a_passkey_and_signs_in_with_it(live_server, page):
    member = MemberFactory(email="pat@example.com", has_personal_password=True)
    base = live_server.url
    _virtual_authenticator(page)

    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill("pat@example.com")
    page.get_by_label("Password").fill(PERSONAL_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/profile/#passkeys")
    form = page.locator("#passkey-add")
    form.get_by_label("Name").fill("Test laptop")
    form.get_by_label("Current personal password").fill("not-my-password-at-all")
    form.get_by_role("button", name="Add a passkey").click()
    expect(form.get_by_role("alert")).to_contain_text("not right")
    form.get_by_label("Current personal password").fill(PERSONAL_PASSWORD)
    form.get_by_role("button", name="Add a passkey").click()
    expect(page.locator("ul.passkeys")).to_contain_text("Test laptop")
    assert Passkey.objects.filter(user=member, name="Test laptop").exists()
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"passkeys-profile-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/login/")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"passkeys-login-{width}.png"), full_page=True)
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(f"{base}/")
    expect(page.locator(".who")).to_have_text(member.display_name)
    assert Passkey.objects.get(user=member).last_used_at is not None
    assert AuditEvent.objects.filter(action="passkey_added", actor=member).exists()
    assert AuditEvent.objects.filter(action="sign_in", actor=member).count() == 2
