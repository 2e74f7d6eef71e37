"""Item 3 of the review: an authenticator key being set up belongs to the one session that
started the set-up. Someone else holding the organiser's password sees another key, which
dies when the organiser confirms theirs; every new set-up attempt makes a new key."""

import datetime as dt
import re

import pytest
import time_machine
from django_otp.plugins.otp_totp.models import TOTPDevice

from cohort.accounts.tests.factories import StaffFactory
from cohort.core.testing import race
from system.security.test_two_factor import code_for, password_sign_in

pytestmark = pytest.mark.django_db


def _shown_key(client) -> str:
    page = client.get("/2fa/setup/")
    assert page.status_code == 200
    return re.search(r'id="totp-secret">([^<]+)<', page.content.decode()).group(1)


def _device_of(client) -> TOTPDevice:
    from cohort.accounts.services.two_factor import SESSION_ENROL_DEVICE

    return TOTPDevice.objects.get(pk=client.session[SESSION_ENROL_DEVICE])


def test_a_second_session_never_sees_the_key_being_set_up():
    organiser = StaffFactory(email="boss@example.com")
    owner, thief = password_sign_in(organiser.email), password_sign_in(organiser.email)
    owner_key = _shown_key(owner)
    thief_key = _shown_key(thief)
    assert thief_key != owner_key
    assert _shown_key(owner) == owner_key  # stable within the owner's own attempt

    owner_device = _device_of(owner)
    thief_device = _device_of(thief)
    # 200: the answer is the page of recovery codes, shown once.
    assert owner.post("/2fa/setup/", {"code": code_for(owner_device)}).status_code == 200
    assert list(TOTPDevice.objects.filter(user=organiser).values_list("pk", "confirmed")) == [
        (owner_device.pk, True)
    ]
    # The thief's key is worth nothing: not at the code step, not as a second enrolment.
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=31)):
        code = code_for(thief_device)
        assert thief.post("/2fa/", {"code": code}).status_code == 422
        assert thief.post("/2fa/setup/", {"code": code})["Location"] == "/2fa/"
        assert thief.get("/api/v1/me").status_code == 403


def test_each_set_up_attempt_makes_a_new_key():
    organiser = StaffFactory(email="boss@example.com")
    first = password_sign_in(organiser.email)
    key = _shown_key(first)
    first.post("/logout/")
    again = password_sign_in(organiser.email)
    assert _shown_key(again) != key


def test_a_session_cannot_confirm_another_sessions_key():
    from cohort.accounts.services.two_factor import SESSION_ENROL_DEVICE

    organiser = StaffFactory(email="boss@example.com")
    owner, thief = password_sign_in(organiser.email), password_sign_in(organiser.email)
    _shown_key(owner)
    owner_device = _device_of(owner)
    session = thief.session
    session.pop(SESSION_ENROL_DEVICE, None)  # never started: nothing of its own to confirm
    session.save()
    refused = thief.post("/2fa/setup/", {"code": code_for(owner_device)})
    assert refused.status_code == 422
    assert not TOTPDevice.objects.filter(user=organiser, confirmed=True).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sessions_confirming_at_once_leave_one_device(postgres_only):
    organiser = StaffFactory(email="boss@example.com")
    clients = [password_sign_in(organiser.email) for _ in range(2)]
    for client in clients:
        _shown_key(client)
    codes = [code_for(_device_of(client)) for client in clients]
    results, errors = race(
        lambda n: clients[n].post("/2fa/setup/", {"code": codes[n]}).status_code, 2
    )
    assert errors == []
    assert TOTPDevice.objects.filter(user=organiser).count() == 1
    assert TOTPDevice.objects.filter(user=organiser, confirmed=True).count() == 1
    # The winner gets its recovery codes (200); the loser is sent on (302, it came late),
    # told its key is gone (404) or taken (409).
    winner, loser = sorted(results, key=lambda status: status != 200)
    assert winner == 200 and loser in (302, 404, 409)
