"""Item 18: /health/ shows anyone its status only. The details (each check and its error,
the deployment profile, feature flags, job runs, cache hit rates) go to the same callers as
/metrics: `Authorization: Bearer <METRICS_TOKEN>` or an organiser who passed the code step."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from cohort.accounts.models import User
from cohort.accounts.tests.factories import MemberFactory, StaffFactory
from cohort.core.testing import database_unreachable
from system.security.conftest import client_for
from system.security.test_two_factor import password_sign_in

pytestmark = pytest.mark.django_db

TOKEN = "health-scrape-secret"
DETAILS = {"checks", "jobs", "profile", "cache_hit_rates", "flags"}


@pytest.fixture(autouse=True)
def token(settings):
    settings.METRICS_TOKEN = TOKEN


def _health(client: Client, status: int = 200, **headers):
    response = client.get("/health/", headers=headers)
    assert response.status_code == status
    return response.json()


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong", f"Bearer {TOKEN}x", f"Basic {TOKEN}", "Bearer "]
)
def test_anonymous_callers_get_the_status_only(authorization):
    headers = {"Authorization": authorization} if authorization else {}
    assert _health(Client(), **headers) == {"status": "ok"}


@pytest.mark.parametrize("role", [User.Role.MEMBER, User.Role.MENTOR, User.Role.COORDINATOR])
def test_signed_in_people_other_than_organisers_get_the_status_only(role):
    user = MemberFactory() if role == User.Role.MEMBER else StaffFactory(role=role)
    assert _health(client_for(user)) == {"status": "ok"}


def test_the_metrics_token_and_a_verified_organiser_get_the_details():
    by_token = _health(Client(), Authorization=f"Bearer {TOKEN}")
    assert set(by_token) == {"status", *DETAILS}
    assert set(_health(client_for(StaffFactory()))) == {"status", *DETAILS}


def test_an_organiser_who_has_not_passed_the_code_step_sees_no_details():
    organiser = StaffFactory(email="boss@example.com")
    TOTPDevice.objects.create(user=organiser, name="phone", confirmed=True)
    response = password_sign_in(organiser.email).get("/health/")
    assert response.status_code == 302 and response["Location"].startswith("/2fa/")
    assert b"flags" not in response.content


@pytest.mark.django_db(transaction=True)
def test_the_status_says_unavailable_when_the_database_is_down():
    # Was 200 "degraded": without the database nothing is served, so /health/ answers 503
    # by the same rule as /health/ready/ (and still shows operators the details).
    with database_unreachable():
        anonymous = _health(Client(), 503)
        scraper = _health(Client(), 503, Authorization=f"Bearer {TOKEN}")
    assert anonymous == {"status": "unavailable"}
    assert scraper["status"] == "unavailable" and not scraper["checks"]["database"]["ok"]
