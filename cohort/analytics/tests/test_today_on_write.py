import pytest

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.activity.services.daily import activity_log
from cohort.analytics.models import DailyGroupSummary
from cohort.core.clock import user_today

pytestmark = pytest.mark.django_db(transaction=True)  # the refresh follows the commit


def test_a_logged_day_is_in_todays_summary_at_once(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded default: in-process
    group = GroupFactory()
    walker, other = MemberFactory(group=group), MemberFactory(group=group)

    activity_log(user=walker, day=user_today(walker), steps=4_000)
    activity_log(user=other, day=user_today(other), steps=6_000)

    row = DailyGroupSummary.objects.get(group=group, date=user_today(walker))
    assert (row.active_members, row.total_steps, row.average_steps) == (2, 10_000, 5_000)


def test_with_the_summaries_off_a_log_writes_none(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.USE_ANALYTICS_SUMMARY = False
    walker = MemberFactory(group=GroupFactory())

    activity_log(user=walker, day=user_today(walker), steps=4_000)

    assert not DailyGroupSummary.objects.exists()


@pytest.fixture
def broker_down(settings):
    """Celery configured for a broker that nobody answers (a closed port), not eager."""
    from config.celery import app

    saved = {
        key: app.conf[key] for key in ("broker_url", "task_publish_retry", "task_always_eager")
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(
        broker_url="redis://127.0.0.1:9/0", task_publish_retry=False, task_always_eager=False
    )
    _forget_connections(app)
    yield
    app.conf.update(saved)
    _forget_connections(app)


def _forget_connections(app) -> None:
    """The next publish connects to the broker configured now (kombu keys its pools by URL)."""
    app._pool = None
    app.amqp._producer_pool = None


def test_a_day_logged_while_the_broker_is_down_is_saved_and_answered(broker_down, client):
    walker = MemberFactory(group=GroupFactory())
    client.force_login(walker)
    day = user_today(walker)

    answer = client.put(
        f"/api/v1/activity/{day}", {"steps": 5_000}, content_type="application/json"
    )

    assert answer.status_code == 200, answer.content
    assert walker.daily_activity.get(date=day).steps == 5_000
