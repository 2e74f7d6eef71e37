import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from kombu.simple import SimpleQueue

from cohort.ops.models import JobRun
from config.celery import app as celery_app

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(django_settings.BASE_DIR) / "config" / "settings.py"
UPDATE_PROGRESS_TASK = "cohort.activity.tasks.update_progress_task"


@pytest.mark.parametrize("value", [True, False])
@pytest.mark.parametrize("flag", django_settings.FEATURE_FLAGS)
def test_health_shows_every_flag_and_its_value(client, settings, flag, value):
    setattr(settings, flag, value)
    settings.METRICS_TOKEN = "scrape"  # the details are for operators only
    flags = client.get("/health/", headers={"Authorization": "Bearer scrape"}).json()["flags"]
    assert set(flags) == set(settings.FEATURE_FLAGS)
    assert flags[flag] is value


def _settings_with(monkeypatch, tmp_path, **environ) -> dict:
    """config/settings.py evaluated afresh under these environment variables."""
    monkeypatch.setenv("COHORT_VAR_DIR", str(tmp_path))
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.mark.parametrize(
    ("broker", "use_async", "eager"),
    [
        ("redis://127.0.0.1:6379/1", "true", False),  # the only case that queues
        ("redis://127.0.0.1:6379/1", "false", True),
        ("", "true", True),
        ("", "false", True),
    ],
)
def test_jobs_run_in_process_unless_async_with_a_broker(
    monkeypatch, tmp_path, broker, use_async, eager
):
    values = _settings_with(
        monkeypatch, tmp_path, CELERY_BROKER_URL=broker, USE_ASYNC_TASKS=use_async
    )
    assert values["USE_ASYNC_TASKS"] is (use_async == "true")
    assert values["CELERY_TASK_ALWAYS_EAGER"] is eager


def _run_queued(queue_name: str = "celery") -> int:
    """Play a Celery worker: run every queued message in order; return how many ran."""
    ran = 0
    with celery_app.connection_for_read() as conn:
        queue = SimpleQueue(conn, queue_name)
        while True:
            try:
                message = queue.get(block=False)
            except queue.Empty:
                return ran
            args, kwargs, _ = message.payload
            celery_app.tasks[message.headers["task"]].apply(args, kwargs)
            message.ack()
            ran += 1


@pytest.fixture
def queued_on_a_broker():
    """USE_ASYNC_TASKS on with a broker: Celery's in-memory transport stands in for Redis."""
    celery_app.loader.import_default_modules()
    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://"
    celery_app.amqp._producer_pool = None
    celery_app._pool = None
    yield
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
    celery_app.amqp._producer_pool = None
    celery_app._pool = None


def test_with_the_flag_off_a_job_runs_in_process_when_queued():
    celery_app.loader.import_default_modules()
    assert celery_app.conf.task_always_eager  # the test settings: no broker
    run_id = celery_app.tasks[UPDATE_PROGRESS_TASK].delay().get()
    # Done before delay() returned: no worker was involved.
    assert JobRun.objects.get(pk=run_id).outcome == JobRun.Outcome.SUCCEEDED


def test_with_the_flag_on_a_job_waits_for_a_worker_and_ends_the_same(queued_on_a_broker):
    celery_app.tasks[UPDATE_PROGRESS_TASK].delay()
    assert not JobRun.objects.exists()  # queued, not run
    assert _run_queued() == 2  # the fan-out task, then its one chunk
    run = JobRun.objects.get()
    assert run.outcome == JobRun.Outcome.SUCCEEDED
    assert (run.chunks_done, run.chunks_total) == (1, 1)
