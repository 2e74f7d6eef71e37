"""The flows-ops pages as an attacker tries them: the analytics recompute (a full recompute
on demand is work only an organiser may ask for, and only with a CSRF token), the app's
404 page (the unknown path is shown, escaped), and the monthly report (no one else's)."""

import pytest
from django.test import Client

from cohort.accounts.models import User
from cohort.accounts.tests.factories import DivisionFactory, MemberFactory, StaffFactory
from cohort.ops.models import JobRun

pytestmark = pytest.mark.django_db

RECOMPUTE = "/analytics/recompute/"


@pytest.mark.parametrize("role", [User.Role.MENTOR, User.Role.COORDINATOR])
def test_only_organisers_may_start_a_full_recompute(client, role):
    staff = StaffFactory(role=role, division=DivisionFactory())
    client.force_login(staff)
    assert client.post(RECOMPUTE).status_code == 403
    client.force_login(MemberFactory())
    assert client.post(RECOMPUTE).status_code == 403
    assert not JobRun.objects.filter(name="recompute_analytics").exists()


def test_a_recompute_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.force_login(StaffFactory())
    assert client.post(RECOMPUTE).status_code == 403
    assert not JobRun.objects.filter(name="recompute_analytics").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.post(RECOMPUTE)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_404_page_escapes_the_path_it_shows(client, settings):
    settings.DEBUG = False
    response = client.get("/<script>alert(1)</script>/")
    assert response.status_code == 404
    assert b"<script>alert(1)</script>" not in response.content


def test_a_member_cannot_read_another_members_report(client):
    me, other = MemberFactory(), MemberFactory()
    client.force_login(me)
    assert client.get(f"/report/?user={other.pk}").status_code == 404
