"""Making a path current that started already shows everyone's progress from their logged
days at once, from the admin action or any other caller of path_make_current (one that has
not started is refused: cohort/journeys/tests/test_path_make_current.py)."""

import datetime as dt

import pytest

from cohort.accounts.tests.factories import MemberFactory
from cohort.activity.services.daily import activity_log
from cohort.core.clock import user_today
from cohort.journeys.models import Enrollment
from cohort.journeys.tests.factories import STEPS_PER_UNIT, path_create, path_make_current_in_admin

pytestmark = pytest.mark.django_db


def test_a_started_path_made_current_counts_the_days_already_logged(
    client, django_capture_on_commit_callbacks
):
    path_create(name="Old Way")
    member = MemberFactory()
    today = user_today(member)
    days = [today - dt.timedelta(days=n) for n in (3, 2, 1)]
    for day in days:
        activity_log(user=member, day=day, steps=5 * STEPS_PER_UNIT)
    second = path_create(name="Second Way", start=days[1], current=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = path_make_current_in_admin(client, second)
    assert "Done: members now walk this path" in response.content.decode()

    on_second = Enrollment.objects.get(user=member, path=second)
    assert (on_second.steps, on_second.distance) == (10 * STEPS_PER_UNIT, 10)  # days 2 and 1
    assert on_second.current_milestone.name == "Ford"

    # Replacing a day moves the member by the difference from the full total, not from 0.
    with django_capture_on_commit_callbacks(execute=True):
        activity_log(user=member, day=days[2], steps=7 * STEPS_PER_UNIT)
    on_second.refresh_from_db()
    assert on_second.steps == 12 * STEPS_PER_UNIT
