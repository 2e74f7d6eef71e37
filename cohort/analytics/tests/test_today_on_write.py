import pytest

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.activity.services.daily import activity_log, member_today
from cohort.analytics.models import DailyGroupSummary

pytestmark = pytest.mark.django_db(transaction=True)  # the refresh follows the commit


def test_a_logged_day_is_in_todays_summary_at_once(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded default: in-process
    group = GroupFactory()
    walker, other = MemberFactory(group=group), MemberFactory(group=group)

    activity_log(user=walker, day=member_today(walker), steps=4_000)
    activity_log(user=other, day=member_today(other), steps=6_000)

    row = DailyGroupSummary.objects.get(group=group, date=member_today(walker))
    assert (row.active_members, row.total_steps, row.average_steps) == (2, 10_000, 5_000)


def test_with_the_summaries_off_a_log_writes_none(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.USE_ANALYTICS_SUMMARY = False
    walker = MemberFactory(group=GroupFactory())

    activity_log(user=walker, day=member_today(walker), steps=4_000)

    assert not DailyGroupSummary.objects.exists()
