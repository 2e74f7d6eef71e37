"""Welcome emails to imported members, over SMTP to a real local server (aiosmtpd): one
each, with the group's invite link and how to sign in, after the import commits; one
refused address never stops the others."""

import io

import pytest
from aiosmtpd.controller import Controller

from cohort.accounts.models import User
from cohort.accounts.services.imports import import_members
from cohort.accounts.services.invites import invite_group_get
from cohort.accounts.tests.factories import GroupFactory
from cohort.notifications.emails import welcome_emails_send
from cohort.notifications.tests.test_notification_emails import Inbox, RefusingInbox, _free_port

pytestmark = pytest.mark.django_db


def _serve(settings, handler):
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.SITE_URL = "https://cohort.example"
    return controller


@pytest.fixture
def smtp(settings):
    handler = Inbox()
    controller = _serve(settings, handler)
    yield handler
    controller.stop()


CSV = "email,name,group\nada@example.com,Ada,Owls\nbob@example.com,Bob,Owls\n"


def test_an_import_with_welcome_mails_each_new_member_after_commit(
    smtp, django_capture_on_commit_callbacks
):
    owls = GroupFactory(name="Owls")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_members(io.StringIO(CSV), welcome=True)
    assert smtp.messages == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sorted(m["To"] for m in smtp.messages) == ["ada@example.com", "bob@example.com"]
    message = smtp.messages[0]
    assert message["Subject"] == "Welcome to Owls on Cohort"
    body = message.get_content()
    assert "https://cohort.example/login/" in body
    invite = body.split("https://cohort.example/join/", 1)[1].split("/", 1)[0]
    assert invite_group_get(token=invite) == owls  # a working invite link to their group


def test_a_dry_run_or_a_failed_import_mails_nobody(smtp, django_capture_on_commit_callbacks):
    GroupFactory(name="Owls")
    with django_capture_on_commit_callbacks(execute=True):
        import_members(io.StringIO(CSV), welcome=True, dry_run=True)
        import_members(io.StringIO(CSV + "broken,X,Owls\n"), welcome=True)
    assert smtp.messages == []
    assert not User.objects.filter(email="ada@example.com").exists()


def test_one_refused_address_does_not_stop_the_others(settings):
    owls = GroupFactory(name="Owls")
    import_members(io.StringIO(CSV))
    handler = RefusingInbox("ada@example.com", "550 5.1.1 No such mailbox")
    controller = _serve(settings, handler)
    try:
        ids = list(User.objects.filter(group=owls).values_list("pk", flat=True))
        assert welcome_emails_send(user_ids=ids) == 1
    finally:
        controller.stop()
    assert [m["To"] for m in handler.messages] == ["bob@example.com"]


def test_a_mail_server_that_is_down_does_not_undo_or_fail_the_import(
    client, settings, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cohort.accounts.tests.factories import StaffFactory

    GroupFactory(name="Owls")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 1
    settings.EMAIL_USE_TLS = False
    client.force_login(StaffFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/members", {"file": SimpleUploadedFile("m.csv", CSV.encode())}
        )
    assert response.status_code == 201
    assert User.objects.filter(email__in=["ada@example.com", "bob@example.com"]).count() == 2
