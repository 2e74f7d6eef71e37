"""CSRF on session-authenticated writes (not on token ones), a new session key at sign-in,
secrets hashed at rest, and uploads checked by content and size."""

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cohort.accounts.models import ApiToken
from cohort.accounts.services.invites import invite_token_create
from cohort.accounts.tests.factories import GROUP_PASSWORD, STAFF_PASSWORD, MemberFactory
from cohort.accounts.tokens import api_token_create
from cohort.reviews.tests.factories import pdf_upload, png_bytes
from system.security.conftest import client_for

pytestmark = pytest.mark.django_db


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _token_of(client: Client) -> str:
    client.get("/activity/")  # any page with a form sets the csrftoken cookie
    return client.cookies["csrftoken"].value


def test_session_writes_on_pages_need_the_csrf_token(world):
    client = _csrf_client(world.a.leader)
    today = timezone.localdate().isoformat()
    refused = client.post("/activity/", {"date": today, "steps": "1000"})
    assert refused.status_code == 403
    token = _token_of(client)
    accepted = client.post(
        "/activity/", {"date": today, "steps": "1000", "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 200
    logout = Client(enforce_csrf_checks=True)
    logout.force_login(world.a.member)
    assert logout.post("/logout/").status_code == 403


def test_session_writes_on_the_api_need_the_csrf_header(world):
    client = _csrf_client(world.a.leader)
    url = f"/api/v1/activity/{timezone.localdate().isoformat()}"
    refused = client.put(url, {"steps": 1000}, content_type="application/json")
    assert refused.status_code == 403
    token = _token_of(client)
    accepted = client.put(
        url, {"steps": 1000}, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 200
    # Reads with the session need no token.
    assert client.get("/api/v1/me").status_code == 200


def test_token_writes_on_the_api_need_no_csrf(world):
    _token, raw = api_token_create(user=world.a.member, name="shortcut", scope="activity:write")
    client = Client(enforce_csrf_checks=True)
    response = client.put(
        f"/api/v1/activity/{timezone.localdate().isoformat()}",
        {"steps": 2000},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 200
    assert "sessionid" not in response.cookies  # a token call starts no session


def test_sign_in_gives_a_new_session_key():
    member = MemberFactory(email="walker@example.com")
    client = Client()
    session = client.session  # a session planted before sign-in (fixation)
    session["planted"] = True
    session.save()
    planted = session.session_key
    client.cookies["sessionid"] = planted
    client.post("/login/", {"email": member.email, "password": GROUP_PASSWORD})
    assert client.session.session_key != planted
    assert "planted" in client.session  # the data moves over; the key does not
    api = Client()
    api.cookies["sessionid"] = planted
    api.post(
        "/api/v1/auth/login",
        {"email": member.email, "password": GROUP_PASSWORD},
        content_type="application/json",
    )
    assert api.cookies["sessionid"].value != planted


def _every_stored_value() -> str:
    """Every text and binary column of every row in every table, as one string."""
    parts = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(
                f, models.CharField | models.TextField | models.JSONField | models.BinaryField
            )
        ]
        if fields:
            for row in model.objects.values_list(*fields):
                parts.extend(str(value) for value in row)
    return "\n".join(parts)


def test_secrets_are_hashed_or_absent_at_rest(world):
    token, raw = api_token_create(user=world.a.member, name="shortcut")
    invite = invite_token_create(group=world.a.group)
    stored = _every_stored_value()
    assert raw not in stored and raw[10:] not in stored  # only the 10-character prefix
    assert ApiToken.objects.get(pk=token.pk).key_hash != raw
    assert invite not in stored  # invites are signed, never stored
    assert GROUP_PASSWORD not in stored  # group passwords: Django's password hashers
    assert STAFF_PASSWORD not in stored
    assert world.a.group.password.startswith(("argon2$", "md5$", "pbkdf2_sha256$"))


def test_totp_keys_never_leave_the_server_after_enrolment(world):
    """A TOTP key must be readable by the server to compute codes, so it cannot be hashed;
    it is shown only on the enrolment page and never in an answer after that."""
    client = client_for(world.organiser)
    device = TOTPDevice.objects.get(user=world.organiser)
    for url in ["/profile/", "/2fa/setup/", "/api/v1/me"]:
        response = client.get(url, follow=True)
        assert device.key not in response.content.decode()


def _upload(client, assignment_id, upload):
    return client.post("/api/v1/submissions", {"assignment": assignment_id, "files": upload})


def test_uploads_are_checked_by_content_and_size(world, settings):
    client = client_for(world.a.member)
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    refused = _upload(client, world.assignment_id, fake)
    assert refused.status_code == 422 and "detail" in refused.json()
    settings.SUBMISSION_MAX_BYTES = len(png_bytes()) - 1
    big = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    too_big = _upload(client, world.assignment_id, big)
    assert too_big.status_code == 413 and "detail" in too_big.json()
    settings.SUBMISSION_MAX_BYTES = 10_000
    accepted = _upload(client, world.assignment_id, pdf_upload())
    assert accepted.status_code == 201
