"""Organisers' recovery codes (django-otp static tokens): ten made at enrolment and shown
once, each accepted once at /2fa/ in place of the app's code, new ones from the profile
after a code step; another organiser resets a lost phone from the admin; the code pages
show a header without navigation."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cohort.accounts.tests.factories import STAFF_PASSWORD, StaffFactory
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, *, later: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + later
    return f"{totp.token():0{device.digits}d}"


def enrolled(organiser) -> TOTPDevice:
    return TOTPDevice.objects.create(user=organiser, name="phone", confirmed=True)


def password_sign_in(email: str) -> Client:
    client = Client()
    assert client.post("/login/", {"email": email, "password": STAFF_PASSWORD}).status_code == 302
    return client


CODE = re.compile(r'<li class="recovery-code"><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>')


def _enrol(organiser) -> tuple[Client, list[str]]:
    client = password_sign_in(organiser.email)
    client.get("/2fa/setup/")
    device = TOTPDevice.objects.get(user=organiser, confirmed=False)
    done = client.post("/2fa/setup/", {"code": code_for(device), "next": "/analytics/"})
    assert done.status_code == 200, done.status_code
    return client, CODE.findall(done.content.decode())


def test_enrolment_shows_ten_recovery_codes_once():
    organiser = StaffFactory(email="boss@example.com")
    client, codes = _enrol(organiser)
    assert len(codes) == len(set(codes)) == 10
    stored = StaticToken.objects.filter(device__user=organiser)
    assert sorted(stored.values_list("token", flat=True)) == sorted(
        c.replace("-", "") for c in codes
    )
    assert AuditEvent.objects.filter(action="two_factor_recovery_codes").count() == 1
    # Shown on the answer to the confirming POST only: never again on any page.
    assert not CODE.findall(client.get("/2fa/setup/", follow=True).content.decode())
    assert not CODE.findall(client.get("/profile/recovery-codes/").content.decode())


def test_a_recovery_code_signs_in_once_in_place_of_the_apps_code():
    organiser = StaffFactory(email="boss@example.com")
    _client, codes = _enrol(organiser)
    client = password_sign_in(organiser.email)
    used = client.post("/2fa/", {"code": codes[3].upper(), "next": "/analytics/"})
    assert used.status_code == 302 and used["Location"] == "/analytics/"
    assert client.get("/analytics/").status_code == 200
    event = AuditEvent.objects.get(action="two_factor_recovery_used")
    assert event.actor == organiser and event.detail == {"codes_left": 9}
    again = password_sign_in(organiser.email).post("/2fa/", {"code": codes[3]})
    assert again.status_code == 422 and "That code is not right" in again.content.decode()


def test_new_recovery_codes_from_the_profile_after_a_code_step(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    organiser = StaffFactory(email="boss@example.com")
    client, old = _enrol(organiser)
    assert "10 recovery codes left" in client.get("/profile/").content.decode()
    page = client.get("/profile/recovery-codes/")
    assert page.status_code == 200 and not CODE.findall(page.content.decode())
    wrong = client.post("/profile/recovery-codes/", {"code": "00000000"})
    assert wrong.status_code == 422 and "That code is not right" in wrong.content.decode()
    device = TOTPDevice.objects.get(user=organiser)
    made = client.post("/profile/recovery-codes/", {"code": code_for(device, later=30)})
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    new = CODE.findall(made.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert StaticDevice.objects.filter(user=organiser).count() == 1
    assert AuditEvent.objects.filter(action="two_factor_recovery_codes").count() == 2
    refused = password_sign_in(organiser.email).post("/2fa/", {"code": old[0]})
    assert refused.status_code == 422  # the old set is gone


def test_another_organiser_resets_a_lost_phone_from_the_admin():
    lost = StaffFactory(email="lost@example.com")
    enrolled(lost)
    StaticDevice.objects.create(user=lost, name="Recovery codes")
    colleague = StaffFactory(email="colleague@example.com")
    client = Client()
    client.force_login(colleague)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [lost.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Reset two-factor sign-in of 1 organiser" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=lost).exists()
    assert not StaticDevice.objects.filter(user=lost).exists()
    event = AuditEvent.objects.get(action="two_factor_reset")
    assert (event.actor, event.target_id, event.detail) == (colleague, lost.pk, {"devices": 2})
    assert password_sign_in(lost.email).get("/2fa/")["Location"].startswith("/2fa/setup/")


@pytest.mark.parametrize("url", ["/2fa/", "/2fa/setup/"])
def test_the_code_pages_show_no_navigation_only_sign_out(url):
    organiser = StaffFactory(email="boss@example.com")
    if url == "/2fa/":
        enrolled(organiser)
    page = password_sign_in(organiser.email).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    links = re.findall(r'<a [^>]*href="([^"]*)"', html)
    assert links == ["#main"], links  # the skip link only: every other link would bounce
    assert 'aria-label="Main"' not in html and "notification-badge" not in html
    assert 'action="/logout/"' in html and "Sign out" in html
