"""Item 6: a member cannot undo a mentor's rejection of a flagged day by logging it again,
and a flagged day does not count in full before a mentor confirms it."""

import pytest

from cohort.accounts.tests.factories import MemberFactory
from cohort.activity.models import DailyActivity
from cohort.core.clock import user_today
from cohort.journeys.tests.factories import path_create
from cohort.reviews.tests.factories import mentor_of
from system.security.conftest import client_for

pytestmark = pytest.mark.django_db


def _put(client, day, steps):
    return client.put(f"/api/v1/activity/{day}", {"steps": steps}, content_type="application/json")


def _progress(response) -> int:
    return response.json()["progress"][0]["steps"]


def test_logging_a_rejected_day_again_does_not_bring_its_steps_back(settings):
    settings.ACTIVITY_FLAG_STEPS = 20_000
    path_create()
    member = MemberFactory()
    mentor = mentor_of(member.group)
    day = user_today(member)
    attacker, reviewer = client_for(member), client_for(mentor)

    flagged = _put(attacker, day, 90_000)
    assert flagged.json()["review"] == "pending"
    assert _progress(flagged) == 20_000  # not 90,000 before anyone looked at it
    row = DailyActivity.objects.get(user=member, date=day)
    reviewed = reviewer.post(
        f"/api/v1/activity/flags/{row.pk}/review", {"decision": "rejected"},
        content_type="application/json",
    )  # fmt: skip
    assert reviewed.status_code == 200

    for steps in (90_000, 90_001, 25_000):
        again = _put(attacker, day, steps)
        assert again.status_code == 200
        assert (again.json()["review"], _progress(again)) == ("rejected", 0)
    assert DailyActivity.objects.get(pk=row.pk).counted_steps == 0
