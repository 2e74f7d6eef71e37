"""Organisers' TOTP two-factor sign-in: enrolment on the first sign-in, a code on each one
after, nothing else open in between, limited attempts, audit events and the reset command."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cohort.accounts.tests.factories import (
    GROUP_PASSWORD,
    STAFF_PASSWORD,
    MemberFactory,
    StaffFactory,
)
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, *, later: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + later
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code_for(device)) + 500_000) % 1_000_000:06d}"


def password_sign_in(email: str, password: str = STAFF_PASSWORD) -> Client:
    client = Client()
    response = client.post("/login/", {"email": email, "password": password})
    assert response.status_code == 302
    return client


def enrolled(organiser) -> TOTPDevice:
    return TOTPDevice.objects.create(user=organiser, name="phone", confirmed=True)


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_first_sign_in_enrols_an_authenticator_before_anything_opens():
    organiser = StaffFactory(email="boss@example.com")
    client = password_sign_in(organiser.email)

    home = client.get("/analytics/")
    assert home.status_code == 302 and home["Location"] == "/2fa/?next=%2Fanalytics%2F"
    assert client.get("/2fa/?next=/analytics/")["Location"] == "/2fa/setup/?next=%2Fanalytics%2F"
    setup = client.get("/2fa/setup/?next=/analytics/")
    assert setup.status_code == 200 and setup["Cache-Control"] == "no-store"
    page = setup.content.decode()
    assert "<svg" in page and 'id="totp-secret"' in page

    device = TOTPDevice.objects.get(user=organiser, confirmed=False)
    before = client.session.session_key
    done = client.post("/2fa/setup/", {"code": code_for(device), "next": "/analytics/"})
    # The answer shows the recovery codes once (never cached), then leads on to `next`.
    assert done.status_code == 200 and done["Cache-Control"] == "no-store"
    assert done.content.decode().count('class="recovery-code"') == 10
    assert 'href="/analytics/"' in done.content.decode()
    assert client.session.session_key != before  # a new session key at the 2FA step
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/analytics/").status_code == 200
    # The secret is never shown again: the setup page sends a verified organiser on.
    assert client.get("/2fa/setup/").status_code == 302
    assert actions() == ["sign_in", "two_factor_enrolled", "two_factor_recovery_codes"]


def test_enrolled_organiser_enters_a_code_after_the_password():
    organiser = StaffFactory(email="boss@example.com")
    device = enrolled(organiser)
    client = password_sign_in(organiser.email)
    assert client.get("/")["Location"] == "/2fa/?next=%2F"
    form = client.get("/2fa/")
    assert form.status_code == 200 and "<svg" not in form.content.decode()
    # An enrolled organiser cannot enrol another phone with the password alone.
    assert client.get("/2fa/setup/")["Location"] == "/2fa/"

    before = client.session.session_key
    response = client.post("/2fa/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session.session_key != before
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    assert actions() == ["sign_in", "two_factor_verified"]


def test_unverified_organiser_is_refused_everywhere_but_the_code_pages():
    organiser = StaffFactory(email="boss@example.com")
    enrolled(organiser)
    client = password_sign_in(organiser.email)
    for url in ["/", "/analytics/", "/admin/", "/mentor/", "/profile/", "/metrics"]:
        assert client.get(url)["Location"].startswith("/2fa/"), url
    assert client.post("/group/", {})["Location"] == "/2fa/"
    for url in ["/api/v1/me", "/api/v1/dashboard?scope=all", "/api/v1/tokens"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Two-factor verification required" in response.json()["detail"]
    created = client.post(
        "/api/v1/groups",
        {"name": "Sneaky", "password": "sneaky-group-password"},
        content_type="application/json",
    )
    assert created.status_code == 403
    assert client.get("/2fa/").status_code == 200
    assert client.post("/logout/").status_code == 302


def test_wrong_codes_are_refused_audited_and_limited(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # our own limit under test, not django-otp's delay
    organiser = StaffFactory(email="boss@example.com")
    device = enrolled(organiser)
    client = password_sign_in(organiser.email)
    for _ in range(5):
        wrong = client.post("/2fa/", {"code": wrong_code(device)})
        assert wrong.status_code == 422
        assert "That code is not right" in wrong.content.decode()
    locked = client.post("/2fa/", {"code": code_for(device)})
    assert locked.status_code == 429
    assert "Too many wrong codes" in locked.content.decode()
    assert client.get("/")["Location"].startswith("/2fa/")
    assert actions().count("two_factor_failed") == 5
    lockout = AuditEvent.objects.get(action="lockout")
    assert lockout.actor == organiser and lockout.detail == {"by": ["two_factor"]}


def test_a_code_is_accepted_once():
    organiser = StaffFactory(email="boss@example.com")
    device = enrolled(organiser)
    code = code_for(device)
    first = password_sign_in(organiser.email)
    assert first.post("/2fa/", {"code": code}).status_code == 302
    second = password_sign_in(organiser.email)
    assert second.post("/2fa/", {"code": code}).status_code == 422


def test_reset_command_sends_the_organiser_back_to_enrolment():
    organiser = StaffFactory(email="boss@example.com")
    enrolled(organiser)
    out = io.StringIO()
    call_command("two_factor_reset", "BOSS@example.com", stdout=out)
    assert "Removed 1 authenticator" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=organiser).exists()
    event = AuditEvent.objects.get(action="two_factor_reset")
    assert event.target_id == organiser.pk and event.detail == {"devices": 1}
    client = password_sign_in(organiser.email)
    assert client.get("/2fa/")["Location"] == "/2fa/setup/?"
    with pytest.raises(CommandError, match="No user"):
        call_command("two_factor_reset", "nobody@example.com", stdout=out)


def test_members_and_mentors_have_no_code_step():
    member = MemberFactory(email="walker@example.com")
    client = password_sign_in(member.email, GROUP_PASSWORD)
    assert client.get("/").status_code == 200
    assert client.get("/2fa/")["Location"] == "/"


def test_the_flag_turns_the_code_step_off(settings):
    settings.ORGANISER_2FA_REQUIRED = False
    organiser = StaffFactory(email="boss@example.com")
    client = password_sign_in(organiser.email)
    assert client.get("/analytics/").status_code == 200


def test_verification_ends_with_the_session():
    organiser = StaffFactory(email="boss@example.com")
    device = enrolled(organiser)
    client = password_sign_in(organiser.email)
    assert client.post("/2fa/", {"code": code_for(device)}).status_code == 302
    client.post("/logout/")
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=60)):
        again = password_sign_in(organiser.email)
        assert again.get("/")["Location"].startswith("/2fa/")
        assert again.post("/2fa/", {"code": code_for(device)}).status_code == 302


def test_api_sign_in_of_an_organiser_leaves_the_api_closed_until_the_code():
    organiser = StaffFactory(email="boss@example.com")
    device = enrolled(organiser)
    client = Client()
    signed = client.post(
        "/api/v1/auth/login",
        {"email": organiser.email, "password": STAFF_PASSWORD},
        content_type="application/json",
    )
    assert signed.status_code == 200
    assert client.get("/api/v1/me").status_code == 403
    client.post("/2fa/", {"code": code_for(device)})
    assert client.get("/api/v1/me").status_code == 200


def test_a_code_right_after_a_wrong_one_waits_for_django_otp_pause():
    organiser = StaffFactory(email="boss@example.com")
    device = enrolled(organiser)
    client = password_sign_in(organiser.email)
    assert client.post("/2fa/", {"code": wrong_code(device)}).status_code == 422
    paused = client.post("/2fa/", {"code": code_for(device)})
    assert paused.status_code == 429 and "before the next code" in paused.content.decode()
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=3)):
        assert client.post("/2fa/", {"code": code_for(device)}).status_code == 302
