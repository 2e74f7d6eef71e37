import pytest
from django.core.management import call_command

from cohort.analytics.models import DailyGroupSummary, MentorWorkload, PathProgressSummary
from cohort.analytics.tasks import recompute_analytics_task
from cohort.analytics.tests.factories import world

pytestmark = pytest.mark.django_db


def test_dry_run_shows_changes_and_writes_nothing(capsys):
    world(groups=2)
    call_command("recompute_analytics", "--dry-run", "--verbose")
    out = capsys.readouterr().out
    assert "daily: 4 new" in out
    assert "Would write" in out
    assert not DailyGroupSummary.objects.exists()
    assert not PathProgressSummary.objects.exists()
    assert not MentorWorkload.objects.exists()


def test_second_run_reports_nothing_written(capsys):
    world(groups=2)
    call_command("recompute_analytics")
    assert DailyGroupSummary.objects.count() == 4
    capsys.readouterr()
    call_command("recompute_analytics")
    assert "Wrote 0 rows" in capsys.readouterr().out


def test_task_runs_the_same_recompute():
    world(groups=1)
    written = recompute_analytics_task.delay().get()
    assert written["daily"] == 2
    assert recompute_analytics_task.delay().get() == dict.fromkeys(written, 0)


def test_beat_runs_the_recompute_daily_at_analytics_time(settings):
    from config.celery import _beat_schedule

    settings.ANALYTICS_TIME = "00:45"
    entry = _beat_schedule()["recompute-analytics"]
    assert entry["task"] == "cohort.analytics.tasks.recompute_analytics_task"
    assert entry["schedule"].hour == {0} and entry["schedule"].minute == {45}


def test_the_services_queue_the_analytics_tasks_by_their_names():
    from cohort.analytics import services, tasks
    from config.celery import app

    assert app.tasks[services._RECOMPUTE_TASK].run is tasks.recompute_analytics_task.run
    assert app.tasks[services._TODAY_REFRESH_TASK].run is tasks.analytics_today_refresh_task.run
