"""Item 18: organisers' recovery codes and the browser reset, from an attacker's side.
Recovery codes are guessed under the same per-organiser limit as the app's codes (and
audited), each works once even when sent twice at the same moment, belongs to one
organiser, and new ones need a code even in a verified session; the admin reset is for
verified organisers only."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cohort.accounts.tests.factories import GROUP_PASSWORD, MemberFactory, StaffFactory
from cohort.core.testing import race
from cohort.ops.models import AuditEvent
from system.security.test_two_factor import code_for, enrolled, password_sign_in

pytestmark = pytest.mark.django_db


def with_codes(organiser, *tokens: str) -> StaticDevice:
    enrolled(organiser)
    device = StaticDevice.objects.create(user=organiser, name="Recovery codes")
    for token in tokens:
        device.token_set.create(token=token)
    return device


def test_guessed_recovery_codes_share_the_limit_and_are_audited(settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0  # our own limit under test, not django-otp's
    organiser = StaffFactory(email="boss@example.com")
    with_codes(organiser, "abcdefgh")
    client = password_sign_in(organiser.email)
    for guess in ("aaaa-aaaa", "bbbb-bbbb", "cccc-cccc", "dddd-dddd", "eeee-eeee"):
        assert client.post("/2fa/", {"code": guess}).status_code == 422
    locked = client.post("/2fa/", {"code": "abcd-efgh"})  # the right one, too late
    assert locked.status_code == 429 and "Too many wrong codes" in locked.content.decode()
    assert client.get("/")["Location"].startswith("/2fa/")
    failed = AuditEvent.objects.filter(action="two_factor_failed")
    assert failed.count() == 5 and {e.detail["step"] for e in failed} == {"recovery"}
    assert AuditEvent.objects.filter(action="lockout", actor=organiser).exists()


def test_another_organisers_recovery_code_is_refused():
    mine, theirs = StaffFactory(email="me@example.com"), StaffFactory(email="you@example.com")
    with_codes(mine, "mmmmmmmm")
    with_codes(theirs, "tttttttt")
    assert password_sign_in(mine.email).post("/2fa/", {"code": "tttt-tttt"}).status_code == 422
    assert StaticDevice.objects.get(user=theirs).token_set.count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_recovery_code_sent_twice_at_once_signs_in_once():
    organiser = StaffFactory(email="boss@example.com")
    with_codes(organiser, "abcdefgh")
    clients = [password_sign_in(organiser.email) for _ in range(2)]
    results, errors = race(lambda n: clients[n].post("/2fa/", {"code": "abcdefgh"}).status_code, 2)
    assert errors == []
    assert sorted(results) in ([302, 422], [302, 429])
    assert AuditEvent.objects.filter(action="two_factor_recovery_used").count() == 1


def test_new_codes_need_the_code_step_and_a_fresh_code():
    organiser = StaffFactory(email="boss@example.com")
    device = with_codes(organiser, "abcdefgh")
    unverified = password_sign_in(organiser.email)
    assert unverified.get("/profile/recovery-codes/")["Location"].startswith("/2fa/")
    post = unverified.post("/profile/recovery-codes/", {"code": "abcd-efgh"})
    assert post.status_code == 302 and post["Location"] == "/2fa/"
    assert device.token_set.count() == 1  # nothing used, nothing made

    verified = password_sign_in(organiser.email)
    totp = TOTPDevice.objects.get(user=organiser)
    assert verified.post("/2fa/", {"code": code_for(totp)}).status_code == 302
    refused = verified.post("/profile/recovery-codes/", {"code": "12345678"})
    assert refused.status_code == 422
    assert not AuditEvent.objects.filter(action="two_factor_recovery_codes").exists()
    assert list(
        StaticDevice.objects.get(user=organiser).token_set.values_list("token", flat=True)
    ) == ["abcdefgh"]


def test_only_a_verified_organiser_can_reset_another_in_the_admin():
    target = StaffFactory(email="target@example.com")
    enrolled(target)
    action = {"action": "reset_two_factor", "_selected_action": [target.pk]}
    url = reverse("admin:accounts_user_changelist")
    member = Client()
    member.post("/login/", {"email": MemberFactory().email, "password": GROUP_PASSWORD})
    unverified = password_sign_in(StaffFactory(email="half@example.com").email)
    for client in (Client(), member, unverified):
        assert client.post(url, action).status_code == 302
    assert TOTPDevice.objects.filter(user=target).exists()
    assert not AuditEvent.objects.filter(action="two_factor_reset").exists()
