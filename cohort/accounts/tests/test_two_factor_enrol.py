import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cohort.accounts.services.two_factor import two_factor_enrol_confirm, two_factor_enrol_start
from cohort.accounts.tests.factories import StaffFactory
from cohort.core.exceptions import Conflict, NotFound

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().post("/2fa/setup/")
    request.user, request.session = user, SessionStore()
    return request


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_each_session_sets_up_its_own_key_and_keeps_it_while_it_lasts():
    organiser = StaffFactory()
    one, two = _request(organiser), _request(organiser)
    first = two_factor_enrol_start(one)
    assert two_factor_enrol_start(one).pk == first.pk
    second = two_factor_enrol_start(two)
    assert second.pk != first.pk and second.bin_key != first.bin_key


def test_confirming_one_key_deletes_the_other_attempts():
    organiser = StaffFactory()
    owner, thief = _request(organiser), _request(organiser)
    mine, theirs = two_factor_enrol_start(owner), two_factor_enrol_start(thief)
    two_factor_enrol_confirm(owner, code=_code(mine))
    assert list(TOTPDevice.objects.filter(user=organiser).values_list("pk", flat=True)) == [mine.pk]
    with pytest.raises(NotFound):
        two_factor_enrol_confirm(thief, code=_code(theirs))


def test_a_confirmed_device_is_never_replaced_by_a_second_enrolment():
    organiser = StaffFactory()
    confirmed = TOTPDevice.objects.create(user=organiser, name="phone", confirmed=True)
    late = _request(organiser)
    device = two_factor_enrol_start(late)
    with pytest.raises(Conflict):
        two_factor_enrol_confirm(late, code=_code(device))
    assert list(TOTPDevice.objects.filter(user=organiser, confirmed=True)) == [confirmed]


def test_a_session_that_set_nothing_up_has_nothing_to_confirm():
    organiser = StaffFactory()
    two_factor_enrol_start(_request(organiser))
    with pytest.raises(NotFound):
        two_factor_enrol_confirm(_request(organiser), code="123456")


def test_attempts_older_than_any_session_are_dropped(settings):
    organiser = StaffFactory()
    start = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        old = two_factor_enrol_start(_request(organiser))
    later = start + dt.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT + 60)
    with time_machine.travel(later, tick=False):
        two_factor_enrol_start(_request(organiser))
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
