"""Logging steps is for members: /activity/ tells staff where their work is, and the page,
the service and the API log nothing for them."""

import pytest
from django.urls import reverse

from cohort.accounts.tests.factories import StaffFactory
from cohort.activity.models import DailyActivity
from cohort.core.exceptions import PermissionDenied

pytestmark = pytest.mark.django_db


def test_staff_on_activity_get_a_clear_page_and_cannot_log(client):
    mentor = StaffFactory(role="mentor")
    client.force_login(mentor)
    page = client.get(reverse("activity:log"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Logging steps is for members" in html and 'name="steps"' not in html
    refused = client.post(reverse("activity:log"), {"day": "", "steps": "5000"})
    assert refused.status_code == 403
    assert not DailyActivity.objects.filter(user=mentor).exists()


def test_the_service_refuses_steps_for_staff():
    from cohort.activity.services.daily import activity_log
    from cohort.core.clock import user_today

    mentor = StaffFactory(role="mentor")
    with pytest.raises(PermissionDenied):
        activity_log(user=mentor, day=user_today(mentor), steps=5000)
    assert not DailyActivity.objects.exists()


def test_the_api_refuses_steps_for_staff(client):
    mentor = StaffFactory(role="mentor")
    client.force_login(mentor)
    response = client.put(
        "/api/v1/activity/2020-01-01", '{"steps": 5000}', content_type="application/json"
    )
    assert response.status_code == 403 and "Only members log steps" in response.json()["detail"]
