"""The nightly job's run record shows how its chunks were split over the workers."""

import socket

import pytest
from django.apps import apps
from django.contrib.auth.hashers import make_password

from cohort.ops.models import JobRun
from cohort.ops.services import job_run_chunk_done, job_run_fail, job_run_start

pytestmark = pytest.mark.django_db


def test_each_worker_is_credited_with_its_own_chunks_rows_and_time():
    run = job_run_start(name="update_progress", chunks_total=3)
    job_run_chunk_done(run_id=run.pk, rows=40, worker="w1@box", seconds=1.25)
    job_run_chunk_done(run_id=run.pk, rows=20, worker="w2@box", seconds=0.5)
    run.refresh_from_db()
    assert (run.outcome, run.chunks_done, run.rows) == ("running", 2, 60)

    job_run_chunk_done(run_id=run.pk, rows=10, worker="w1@box", seconds=0.25)
    run.refresh_from_db()
    assert (run.outcome, run.chunks_done, run.rows) == ("succeeded", 3, 70)
    assert run.finished_at is not None
    assert run.detail == {
        "workers": {
            "w1@box": {"chunks": 2, "rows": 50, "seconds": 1.5},
            "w2@box": {"chunks": 1, "rows": 20, "seconds": 0.5},
        }
    }


def test_what_the_run_started_with_stays_in_its_detail():
    run = job_run_start(name="update_progress", chunks_total=1, members=7)
    job_run_chunk_done(run_id=run.pk, rows=7, worker="w1@box")
    run.refresh_from_db()
    assert run.detail == {
        "members": 7,
        "workers": {"w1@box": {"chunks": 1, "rows": 7, "seconds": 0.0}},
    }


def test_a_chunk_done_after_the_run_failed_does_not_mark_it_succeeded():
    run = job_run_start(name="update_progress", chunks_total=2)
    job_run_fail(run_id=run.pk, error="boom")
    job_run_chunk_done(run_id=run.pk, rows=1, worker="w1@box")
    job_run_chunk_done(run_id=run.pk, rows=1, worker="w1@box")
    run.refresh_from_db()
    assert (run.outcome, run.chunks_done) == ("failed", 2)


def test_an_unknown_run_is_ignored():
    job_run_chunk_done(run_id=987654, rows=1, worker="w1@box")
    assert not JobRun.objects.exists()


def test_an_eager_run_of_the_nightly_task_credits_this_host():
    """Without a broker the chunks run in-process; Celery names the worker after the host."""
    from celery import current_app

    group = apps.get_model("accounts", "Group")
    for n in range(3):
        group.objects.create(name=f"Split {n}", password=make_password("split-the-work"))
    # By name: the task lives in a higher app (activity) than this one (ops).
    task = current_app.tasks["cohort.activity.tasks.update_progress_task"]
    run = JobRun.objects.get(pk=task.delay(1).get())
    assert (run.outcome, run.chunks_total, run.chunks_done) == ("succeeded", 3, 3)
    assert list(run.detail["workers"]) == [socket.gethostname()]
    assert run.detail["workers"][socket.gethostname()]["chunks"] == 3


def test_the_command_run_in_process_is_credited_too():
    from django.core.management import call_command

    call_command("update_progress", stdout=open("/dev/null", "w"))  # noqa: SIM115
    run = JobRun.objects.get()
    assert list(run.detail["workers"]) == [f"in-process@{socket.gethostname()}"]
