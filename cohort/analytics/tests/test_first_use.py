"""A fresh install's /analytics/ agrees with the rest of the site from the first view: the
summaries are computed when the demo is seeded, on the first view when no full recompute has
ever finished, and on demand by an organiser's button."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from cohort.accounts.models import User
from cohort.accounts.tests.factories import DivisionFactory, StaffFactory
from cohort.analytics.models import MentorWorkload, SubmissionStatusSummary
from cohort.analytics.services import analytics_recompute
from cohort.analytics.tests.factories import world
from cohort.ops.models import JobRun

pytestmark = pytest.mark.django_db

URL = reverse("analytics:home")
RECOMPUTE = "/analytics/recompute/"


def test_the_first_view_computes_the_summaries_nobody_computed_yet(signed_in):
    made = world(groups=2)  # pending submissions and mentors; recompute_analytics never ran
    mentor = made["groups"][0][0].mentors.get()

    page = signed_in(StaffFactory()).get(URL).content.decode()

    assert "No mentors yet" not in page
    assert mentor.display_name in page
    assert 'Awaiting review</td><td class="num">4</td>' in page
    assert SubmissionStatusSummary.objects.exists() and MentorWorkload.objects.exists()
    assert JobRun.objects.filter(name="recompute_analytics", outcome="succeeded").count() == 1


def test_later_views_do_not_recompute_everything_again(signed_in):
    world(groups=1)
    client = signed_in(StaffFactory())
    client.get(URL)
    client.get(URL)
    assert JobRun.objects.filter(name="recompute_analytics").count() == 1


def test_a_full_recompute_is_recorded_and_dated_on_the_page(signed_in):
    world(groups=1)
    analytics_recompute()
    page = signed_in(StaffFactory()).get(URL).content.decode()
    assert JobRun.objects.filter(name="recompute_analytics").count() == 1
    assert "Last computed" in page


def test_seeding_the_demo_computes_the_summaries():
    call_command("seed_demo", "--members", "25", "--allow-production", stdout=io.StringIO())
    assert SubmissionStatusSummary.objects.exists()
    assert MentorWorkload.objects.exists()


def test_organisers_recompute_on_demand_with_the_button(signed_in):
    world(groups=1)
    analytics_recompute()
    SubmissionStatusSummary.objects.all().delete()  # as if the summaries fell behind
    client = signed_in(StaffFactory())
    assert 'action="/analytics/recompute/"' in client.get(URL).content.decode()

    response = client.post(RECOMPUTE, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert "Analytics recomputed" in response.content.decode()
    assert SubmissionStatusSummary.objects.exists()


def test_coordinators_have_no_button_and_may_not_recompute(signed_in):
    division = DivisionFactory()
    world(groups=1, division=division)
    client = signed_in(StaffFactory(role=User.Role.COORDINATOR, division=division))
    assert "/analytics/recompute/" not in client.get(URL).content.decode()
    assert client.post(RECOMPUTE).status_code == 403


def test_the_recompute_button_takes_only_post(signed_in):
    client = signed_in(StaffFactory())
    assert client.get(RECOMPUTE).status_code == 405
