"""The first run for real: a one-time link creates the first organiser, then dies."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from cohort.accounts.models import SetupLink, User
from cohort.accounts.services.setup import setup_link_issue
from cohort.accounts.tests.factories import MemberFactory, StaffFactory
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db

GOOD = {
    "display_name": "Ada Organiser",
    "email": "Ada@Example.org",
    "password": "a-long-and-private-passphrase",
    "confirm": "a-long-and-private-passphrase",
}


def _link_from_command() -> str:
    out = io.StringIO()
    call_command("setup_link", "--base-url", "http://testserver", stdout=out)
    lines = [line.strip() for line in out.getvalue().splitlines() if "/setup/" in line]
    assert len(lines) == 1, out.getvalue()
    return lines[0].removeprefix("http://testserver")


def test_a_fresh_database_prints_a_link_that_creates_the_organiser_once(client):
    MemberFactory()  # members (e.g. imported) do not count: nobody can organise yet
    path = _link_from_command()
    key = path.split("/")[2]
    stored = SetupLink.objects.get()
    assert key not in stored.key_hash and len(stored.key_hash) == 64  # only its hash is kept
    page = client.get(path)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    # Not "no-referrer": with it browsers post the form with "Origin: null" (a CSRF 403).
    assert page["Referrer-Policy"] == "same-origin"
    answer = client.post(path, GOOD)
    assert answer.status_code == 302 and answer["Location"] == "/2fa/setup/"
    organiser = User.objects.get(email="ada@example.org")
    assert organiser.role == User.Role.ORGANISER and organiser.check_password(GOOD["password"])
    assert client.get("/2fa/setup/").status_code == 200  # signed in, enrolling two-factor
    assert AuditEvent.objects.filter(action="site_set_up", actor=organiser).count() == 1
    # The link is dead (the signed-in organiser is held at the code step meanwhile).
    client.logout()
    assert client.get(path).status_code == 410
    again = client.post(path, {**GOOD, "email": "eve@example.org"})
    assert again.status_code == 410
    assert not User.objects.filter(email="eve@example.org").exists()


def test_no_link_once_an_organiser_exists():
    StaffFactory()
    out = io.StringIO()
    call_command("setup_link", stdout=out)
    assert out.getvalue() == "" and not SetupLink.objects.exists()


def test_an_older_link_dies_when_a_new_one_is_printed(client):
    first = setup_link_issue()
    second = setup_link_issue()
    assert client.get(f"/setup/{first}/").status_code == 410
    assert client.get(f"/setup/{second}/").status_code == 200


def test_the_link_expires(client):
    key = setup_link_issue()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)):
        assert client.get(f"/setup/{key}/").status_code == 410


def test_a_link_dies_when_an_organiser_is_made_another_way(client):
    key = setup_link_issue()
    StaffFactory()
    assert client.get(f"/setup/{key}/").status_code == 410


def test_an_unknown_key_is_410(client):
    assert client.get("/setup/not-a-key/").status_code == 410


def test_a_weak_password_is_shown_by_its_field_and_keeps_what_was_typed(client):
    key = setup_link_issue()
    answer = client.post(f"/setup/{key}/", {**GOOD, "password": "short", "confirm": "short"})
    assert answer.status_code == 422
    html = answer.content.decode()
    assert 'id="id_password_error"' in html and 'value="Ada Organiser"' in html
    assert not User.objects.exists()
    assert client.get(f"/setup/{key}/").status_code == 200  # still alive after a mistake


def test_mismatched_passwords_are_refused(client):
    key = setup_link_issue()
    answer = client.post(f"/setup/{key}/", {**GOOD, "confirm": "something-else-entirely"})
    assert answer.status_code == 422 and 'id="id_confirm_error"' in answer.content.decode()
