"""The console's writes: seasons (the next one copied from the last, dates, activation) and
running a scheduled job by hand. Each checks the actor's permission and is audited."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from cohort.accounts import permissions
from cohort.accounts.models import User
from cohort.competition.models import Season
from cohort.competition.services.seasons import (
    month_end,
    season_activate_now,
    season_create,
    season_dates_change,
)
from cohort.core.exceptions import InvalidInput
from cohort.ops.models import AuditEvent, JobRun
from cohort.ops.services import audit_record, job_run_request
from cohort.organise.selectors import season_latest
from cohort.reviews.services import assignments_copy


@dataclass(frozen=True)
class SeasonCopied:
    season: Season
    copied_from: Season | None
    assignments: int


def season_next_defaults(latest: Season | None) -> tuple[dt.date, dt.date] | None:
    """The next season's suggested window: the calendar month after the latest season
    (None on an install without one: the organiser picks the dates)."""
    if latest is None:
        return None
    starts = latest.ends_on + dt.timedelta(days=1)
    return starts, month_end(starts)


def season_next_create(
    *,
    actor: User,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    name: str = "",
    ip: str | None = None,
) -> SeasonCopied:
    """A new upcoming season after the latest one, with its caps, bonus and credit rate and
    every assignment of its episodes copied from that season (categories are shared by all
    seasons, with their caps). Organisers only; audited; all or nothing."""
    permissions.season_manager_require(actor)
    with transaction.atomic():
        latest = season_latest()
        if latest is not None and starts_on <= latest.ends_on:
            raise InvalidInput(
                _("The next season starts after %(day)s, when %(season)s ends.")
                % {"day": latest.ends_on, "season": latest.name}
            )
        season = season_create(starts_on=starts_on, ends_on=ends_on, name=name, like=latest)
        copied = 0 if latest is None else assignments_copy(from_season=latest, to_season=season)
        audit_record(
            action=AuditEvent.Action.SEASON_CREATED, actor=actor, ip=ip, target=season,
            copied_from=latest.pk if latest else None, assignments=copied,
        )  # fmt: skip
    return SeasonCopied(season=season, copied_from=latest, assignments=copied)


def season_dates_update(
    *, actor: User, season_id: int, starts_on: dt.date, ends_on: dt.date, ip: str | None = None
) -> Season:
    """New dates for an upcoming season, or a new end for the active one (see
    competition's season_dates_change). Organisers only; audited."""
    permissions.season_manager_require(actor)
    with transaction.atomic():
        season = season_dates_change(season_id=season_id, starts_on=starts_on, ends_on=ends_on)
        audit_record(
            action=AuditEvent.Action.SEASON_DATES_CHANGED, actor=actor, ip=ip, target=season,
            starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat(),
        )  # fmt: skip
    return season


def season_activate(*, actor: User, season_id: int, ip: str | None = None) -> Season:
    """Start an upcoming season today (competition's season_activate_now). Organisers
    only; audited."""
    permissions.season_manager_require(actor)
    with transaction.atomic():
        season = season_activate_now(season_id=season_id)
        audit_record(action=AuditEvent.Action.SEASON_ACTIVATED, actor=actor, ip=ip, target=season)
    return season


def job_run_now(*, actor: User, name: str, ip: str | None = None) -> JobRun:
    """Run the scheduled job `name` now (queued; in-process without a broker). Organisers
    only (PermissionDenied before NotFound, so others learn no job names); audited."""
    permissions.job_runner_require(actor)
    return job_run_request(name=name, actor=actor, ip=ip)


def audit_export_record(*, actor: User, filters: str, ip: str | None = None) -> None:
    """Record that the actor exported the audit log (with the filters used)."""
    permissions.console_viewer_require(actor)
    audit_record(
        action=AuditEvent.Action.DATA_EXPORTED, actor=actor, ip=ip, export="audit",
        filters=filters[:500],
    )  # fmt: skip
