import pytest

from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.activity.models import DailyActivity
from cohort.activity.services.daily import activity_log
from cohort.core.clock import user_today
from cohort.journeys.models import Enrollment
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(settings):
    path_create()
    settings.ACTIVITY_FLAG_STEPS = 20_000
    member = MemberFactory()
    return activity_log(user=member, day=user_today(member), steps=25_000)


def _review(client, row, decision):
    return client.post(
        f"/api/v1/activity/flags/{row.pk}/review", {"decision": decision},
        content_type="application/json",
    )  # fmt: skip


def test_the_groups_mentor_rejects_a_flagged_day_and_it_stops_counting(client, flagged):
    mentor = StaffFactory(role="mentor")
    flagged.user.group.mentors.add(mentor)
    client.force_login(mentor)
    assert _review(client, flagged, "rejected").json()["review"] == "rejected"
    assert Enrollment.objects.get(user=flagged.user).steps == 0


def test_a_mentor_of_another_group_or_the_member_gets_404(client, flagged):
    stranger = StaffFactory(role="mentor")
    GroupFactory().mentors.add(stranger)
    client.force_login(stranger)
    assert _review(client, flagged, "rejected").status_code == 404
    client.force_login(flagged.user)
    assert _review(client, flagged, "confirmed").status_code == 404
    assert DailyActivity.objects.get(pk=flagged.pk).review == "pending"


def test_a_decision_must_be_confirmed_or_rejected(client, flagged):
    client.force_login(StaffFactory())
    response = _review(client, flagged, "maybe")
    assert response.status_code == 422 and "detail" in response.json()
