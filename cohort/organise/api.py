"""The console's operations for scripts: the scheduled jobs' state and running one now.
An organiser's token needs the `organise` scope to run a job (reads need none)."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from cohort.accounts import permissions
from cohort.accounts.auth import token_or_session, token_or_session_for
from cohort.accounts.models import ApiToken
from cohort.core.http import client_ip
from cohort.organise import selectors, services

router = Router(tags=["jobs"])


class JobOut(Schema):
    name: str
    command: str = Field(..., description="the management command that does the same")
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    duration_seconds: float | None
    outcome: str = Field(..., description="'running', 'succeeded', 'failed' or '' (never run)")
    error: str
    run_id: int | None


class JobRunOut(Schema):
    run_id: int
    name: str
    outcome: str = Field(..., description="'running' while queued; done at once without Celery")


@router.get("/jobs", response=list[JobOut], auth=token_or_session, summary="Scheduled jobs")
def jobs(request: HttpRequest):
    """Every scheduled job with its newest run (organisers and coordinators)."""
    permissions.console_viewer_require(request.user)
    return selectors.job_states()


@router.post(
    "/jobs/{name}/run",
    response={202: JobRunOut},
    auth=token_or_session_for(ApiToken.Scope.ORGANISE),
    summary="Run a scheduled job now (organisers)",
)
def job_run(request: HttpRequest, name: str):
    """Queue the job (202 with the run's id; its state in GET /api/v1/jobs). 404 for a name
    not in the schedule, 403 for anyone but an organiser."""
    run = services.job_run_now(actor=request.user, name=name, ip=client_ip(request))
    run.refresh_from_db(fields=["outcome"])
    return Status(202, {"run_id": run.pk, "name": run.name, "outcome": run.outcome})
