"""Running a scheduled job by hand: from the overview ("run now") and from a script
(POST /api/v1/jobs/{name}/run with an organiser's organise-scoped token). Each run is a
JobRun under the job's name, ends with its outcome and duration, and is audited; the jobs'
state is on the overview and at GET /api/v1/jobs."""

import pytest

from cohort.accounts.models import ApiToken
from cohort.accounts.tokens import api_token_create
from cohort.core.exceptions import NotFound, PermissionDenied
from cohort.ops.models import AuditEvent, JobRun, ScheduledJob
from cohort.ops.selectors import scheduled_job_states
from cohort.ops.services import job_run_execute, job_run_request
from cohort.organise.services import job_run_now

pytestmark = pytest.mark.django_db

JOB = "prune-old-records"  # a real job, quick on an empty database


def _bearer(user, scope):
    _token, raw = api_token_create(user=user, name="script", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_run_now_runs_the_job_and_records_it(console, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = job_run_now(actor=console.organiser, name=JOB, ip="10.0.0.1")
    run.refresh_from_db()
    assert run.name == JOB
    assert run.outcome == JobRun.Outcome.SUCCEEDED
    assert run.finished_at is not None and run.duration_seconds >= 0
    assert run.detail["trigger"] == "by hand"
    event = AuditEvent.objects.get(action=AuditEvent.Action.JOB_RUN_REQUESTED)
    assert (event.actor, event.ip, event.target_id) == (console.organiser, "10.0.0.1", run.pk)
    assert event.detail == {"job": JOB}


def test_a_failing_job_ends_failed_with_its_error(
    console, django_capture_on_commit_callbacks, monkeypatch
):
    from config.celery import app

    task = app.tasks["cohort.ops.tasks.prune_old_records_task"]

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(task, "run", broken)
    with django_capture_on_commit_callbacks(execute=True):
        run = job_run_now(actor=console.organiser, name=JOB)
    run.refresh_from_db()
    assert run.outcome == JobRun.Outcome.FAILED
    assert "disk full" in run.error


def test_a_run_is_executed_once(console):
    run = job_run_request(name=JOB, actor=console.organiser)  # not committed: not run yet
    assert job_run_execute(run_id=run.pk) == "succeeded"
    assert job_run_execute(run_id=run.pk) == "skipped"  # a redelivered task runs nothing


def test_an_unknown_job_is_not_found(console):
    with pytest.raises(NotFound):
        job_run_now(actor=console.organiser, name="make-coffee")
    assert not JobRun.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "mentor"])
def test_only_organisers_run_jobs(console, role):
    user = console.coordinator if role == "coordinator" else console.programme.mentor
    with pytest.raises(PermissionDenied):
        job_run_now(actor=user, name="make-coffee")  # 403 before 404: no names learnt


def test_the_state_shows_the_newest_run_of_any_kind(console, django_capture_on_commit_callbacks):
    states = {s.name: s for s in scheduled_job_states()}
    assert states[JOB].outcome == "" and states[JOB].command == "prune"
    # The in-process scheduler's record, then a run by hand (newer): the newer one shows.
    ScheduledJob.objects.create(name=JOB, last_run_at="2026-01-01T00:00Z")
    ScheduledJob.objects.filter(name=JOB).update(
        last_finished_at="2026-01-01T00:01Z", last_error="Boom"
    )
    assert {s.name: s for s in scheduled_job_states()}[JOB].outcome == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        run = job_run_now(actor=console.organiser, name=JOB)
    state = {s.name: s for s in scheduled_job_states()}[JOB]
    assert (state.outcome, state.run_id) == ("succeeded", run.pk)
    # update_progress records its own runs under "update_progress"
    own = JobRun.objects.create(name="update_progress", chunks_total=1)
    state = {s.name: s for s in scheduled_job_states()}["update-progress-nightly"]
    assert (state.run_id, state.outcome) == (own.pk, "running")


def test_the_job_states_take_two_queries(console, django_assert_num_queries):
    JobRun.objects.create(name="update_progress", chunks_total=1)
    JobRun.objects.create(name=JOB, chunks_total=1)
    # 1 the in-process scheduler's rows, 2 the newest run of each name
    with django_assert_num_queries(2):
        scheduled_job_states()


# --- The page -------------------------------------------------------------------------------


def test_the_run_now_button(console, as_user, django_capture_on_commit_callbacks):
    """Queued once the request's transaction commits (a test's transaction commits only at
    the end of the block: the page says queued, as it does with Celery)."""
    client = as_user(console.organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/organise/jobs/{JOB}/run/", follow=True)
        assert response.redirect_chain[-1][0] == "/organise/"
        assert f"{JOB} is queued" in response.content.decode()
    assert JobRun.objects.get(name=JOB).outcome == JobRun.Outcome.SUCCEEDED
    row = client.get("/organise/").content.decode().split(f'data-job="{JOB}"')[1]
    assert "succeeded" in row.split("</tr>")[0]


def test_run_now_of_an_unknown_job_is_a_404_page(console, as_user):
    assert as_user(console.organiser).post("/organise/jobs/nope/run/").status_code == 404


def test_run_now_needs_csrf(console):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(console.organiser)
    assert client.post(f"/organise/jobs/{JOB}/run/").status_code == 403
    assert not JobRun.objects.exists()


def test_the_analytics_button_recomputes_and_comes_back(
    console, as_user, django_capture_on_commit_callbacks
):
    client = as_user(console.organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/organise/jobs/recompute-analytics/run/", {"back": "analytics"})
    assert response["Location"] == "/organise/analytics/"
    response = client.get("/organise/analytics/")
    assert JobRun.objects.get(name="recompute-analytics").outcome == "succeeded"
    # the recompute records its own run too, and the page says when it last finished
    assert JobRun.objects.get(name="recompute_analytics").outcome == "succeeded"
    assert "Last computed in full on" in response.content.decode()


# --- The API --------------------------------------------------------------------------------


def test_an_organise_token_runs_a_job(console, client, django_capture_on_commit_callbacks):
    headers = _bearer(console.organiser, ApiToken.Scope.ORGANISE)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/jobs/{JOB}/run", **headers)
    assert response.status_code == 202
    body = response.json()
    assert body["name"] == JOB and body["run_id"] == JobRun.objects.get(name=JOB).pk
    state = next(j for j in client.get("/api/v1/jobs", **headers).json() if j["name"] == JOB)
    assert state["outcome"] == "succeeded" and state["run_id"] == body["run_id"]


def test_an_unknown_job_answers_404(console, client):
    headers = _bearer(console.organiser, ApiToken.Scope.ORGANISE)
    response = client.post("/api/v1/jobs/make-coffee/run", **headers)
    assert response.status_code == 404 and response.json() == {"detail": "No such job."}


def test_a_read_token_may_not_run_a_job(console, client):
    response = client.post(f"/api/v1/jobs/{JOB}/run", **_bearer(console.organiser, "read"))
    assert response.status_code == 403
    assert "organise scope" in response.json()["detail"]
    assert not JobRun.objects.exists()


def test_only_organisers_hold_organise_tokens(console):
    for user in (console.coordinator, console.programme.mentor, console.programme.students[0]):
        with pytest.raises(PermissionDenied):
            api_token_create(user=user, name="x", scope=ApiToken.Scope.ORGANISE)


def test_others_get_403_from_the_api(console, client):
    client.force_login(console.coordinator)
    assert client.post(f"/api/v1/jobs/{JOB}/run").status_code == 403
    assert client.get("/api/v1/jobs").status_code == 200  # coordinators read the state
    client.force_login(console.programme.mentor)
    assert client.get("/api/v1/jobs").status_code == 403
    assert client.post(f"/api/v1/jobs/{JOB}/run").status_code == 403
    headers = _bearer(console.programme.students[0], "activity:write")
    assert client.post(f"/api/v1/jobs/{JOB}/run", **headers).status_code == 403


def test_the_organise_scope_is_offered_in_the_api_not_on_the_members_form(console, client):
    client.force_login(console.organiser)
    response = client.post(
        "/api/v1/tokens", {"name": "cron", "scope": "organise"}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["scope"] == "organise"
    client.force_login(console.programme.students[0])
    assert b'value="organise"' not in client.get("/profile/").content


def test_a_broker_that_cannot_be_reached_fails_the_run_with_the_reason(
    console, django_capture_on_commit_callbacks, monkeypatch
):
    """A real Celery app pointed at a port nobody listens on (not a mock): the page does not
    break and the run does not stay "running" for ever."""
    from config.celery import app

    for name, value in {
        "task_always_eager": False,
        "broker_url": "redis://127.0.0.1:9/0",
        "task_publish_retry": False,
        "broker_connection_timeout": 1,
        "broker_connection_retry_on_startup": False,
    }.items():
        monkeypatch.setitem(app.conf, name, value)
    # Connections other tests opened would still point at the old broker.
    monkeypatch.setattr(app, "_pool", None, raising=False)
    monkeypatch.setattr(app.amqp, "_producer_pool", None, raising=False)
    with django_capture_on_commit_callbacks(execute=True):
        run = job_run_now(actor=console.organiser, name=JOB)
    run.refresh_from_db()
    assert run.outcome == JobRun.Outcome.FAILED
    assert run.error.startswith("Could not be queued")


def test_a_failed_run_says_so_on_the_page(console, as_user, monkeypatch):
    from config.celery import app

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(app.tasks["cohort.ops.tasks.prune_old_records_task"], "run", broken)
    client = as_user(console.organiser)
    run = job_run_now(actor=console.organiser, name=JOB)
    job_run_execute(run_id=run.pk)  # as the worker would, once the request committed
    row = client.get("/organise/").content.decode().split(f'data-job="{JOB}"')[1]
    row = row.split("</tr>")[0]
    assert "failed" in row and "RuntimeError: disk full" in row
