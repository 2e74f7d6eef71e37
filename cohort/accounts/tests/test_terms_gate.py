"""Privacy and terms pages the organisers write, and the terms gate at first sign-in and
after each change of the terms (not for the API)."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from cohort.accounts.models import User
from cohort.accounts.services.terms import site_text_update
from cohort.accounts.tests.factories import GROUP_PASSWORD, MemberFactory, StaffFactory
from cohort.accounts.tokens import api_token_create
from cohort.core.exceptions import InvalidInput, PermissionDenied
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db


def _organiser_client():
    organiser = StaffFactory()
    TOTPDevice.objects.create(user=organiser, name="phone", confirmed=True)
    client = Client()
    client.force_login(organiser)
    session = client.session
    session["otp_device_id"] = "x"
    session["cohort_2fa_user"] = organiser.pk
    session.save()
    return organiser, client


def _terms(text, actor=None):
    return site_text_update(actor=actor or StaffFactory(), key="terms", body=text)


def test_without_terms_there_is_no_gate():
    member = MemberFactory()
    client = Client()
    client.post("/login/", {"email": member.email, "password": GROUP_PASSWORD})
    assert client.get("/profile/").status_code == 200
    assert Client().get("/terms/").status_code == 200  # an empty page, saying so


def test_first_sign_in_with_terms_set_asks_for_acceptance_and_records_it():
    _terms("Be kind.\n\nWalk safely: https://example.org/safety")
    member = MemberFactory()
    client = Client()
    answer = client.post("/login/", {"email": member.email, "password": GROUP_PASSWORD})
    landing = client.get(answer["Location"])
    assert landing.status_code == 302 and landing["Location"].startswith("/terms/accept/")
    page = client.get(landing["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "Be kind." in html
    assert 'href="https://example.org/safety"' in html
    assert client.post("/terms/accept/", {"version": 1, "next": "/profile/"})["Location"] == (
        "/profile/"
    )
    member.refresh_from_db()
    assert member.terms_accepted_version == 1 and member.terms_accepted_at
    assert client.get("/profile/").status_code == 200


def test_changed_terms_are_asked_again_and_an_old_version_is_refused():
    actor = StaffFactory()
    _terms("Version one.", actor)
    member = MemberFactory()
    User.objects.filter(pk=member.pk).update(terms_accepted_version=1)
    client = Client()
    client.force_login(member)
    assert client.get("/profile/").status_code == 200
    _terms("Version two.", actor)
    assert client.get("/profile/")["Location"].startswith("/terms/accept/")
    stale = client.post("/terms/accept/", {"version": 1})
    assert stale.status_code == 409 and "Version two." in stale.content.decode()
    assert client.post("/terms/accept/", {"version": 2}).status_code == 302
    assert client.get("/profile/").status_code == 200


def test_saving_the_same_text_does_not_ask_again():
    actor = StaffFactory()
    first = _terms("Same.", actor)
    assert _terms("Same.\r\n", actor).version == first.version == 1


def test_the_api_is_not_gated():
    _terms("Accept me.")
    member = MemberFactory()
    _, raw = api_token_create(user=member, name="phone")
    answer = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 200
    client = Client()
    client.force_login(member)
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/privacy/").status_code == 200  # the texts stay readable


def test_texts_are_escaped_on_their_pages():
    actor = StaffFactory()
    site_text_update(actor=actor, key="privacy", body="<script>alert(1)</script>\nSecond line")
    html = Client().get("/privacy/").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_organisers_edit_the_texts_in_the_browser_audited():
    organiser, client = _organiser_client()
    assert client.get("/organise/texts/privacy/").status_code == 200
    answer = client.post("/organise/texts/privacy/", {"body": "We keep your steps."})
    assert answer.status_code == 302 and answer["Location"] == "/privacy/"
    assert "We keep your steps." in Client().get("/privacy/").content.decode()
    event = AuditEvent.objects.get(action="text_changed")
    assert event.actor_id == organiser.pk and event.detail == {"key": "privacy", "version": 1}
    assert client.get("/organise/texts/nope/").status_code == 404


@pytest.mark.parametrize("role", [User.Role.MEMBER, User.Role.MENTOR, User.Role.COORDINATOR])
def test_nobody_else_edits_the_texts(role):
    user = MemberFactory() if role == User.Role.MEMBER else StaffFactory(role=role)
    client = Client()
    client.force_login(user)
    assert client.post("/organise/texts/terms/", {"body": "Mine now"}).status_code == 403
    with pytest.raises(PermissionDenied):
        site_text_update(actor=user, key="terms", body="Mine now")


def test_an_overlong_text_is_refused_by_the_field_keeping_what_was_typed():
    _, client = _organiser_client()
    answer = client.post("/organise/texts/terms/", {"body": "x" * 50001})
    assert answer.status_code == 400 and 'id="id_body_error"' in answer.content.decode()
    with pytest.raises(InvalidInput):
        site_text_update(actor=StaffFactory(), key="terms", body="x" * 50001)
