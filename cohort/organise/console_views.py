"""The organiser's console (/organise/): the morning overview with the scheduled jobs and
"run now", the seasons, the mentors' load, the audit log and the analytics' recompute.
Organisers use all of it; coordinators see their division and may only assign mentors
(permissions.may_use_console and the rules it names). The path editor is in views.py."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohort.accounts import permissions
from cohort.accounts.services.groups import group_mentor_assign, group_mentor_unassign
from cohort.analytics.services import analytics_computed_at
from cohort.core.confirm import confirmation_needed, confirmation_page
from cohort.core.csv_export import csv_writer
from cohort.core.exceptions import DomainError
from cohort.core.http import client_ip
from cohort.mentoring.selectors import mentors_list
from cohort.ops.selectors import AuditFilter
from cohort.organise import selectors, services
from cohort.organise.forms import (
    AuditFilterForm,
    MentorAssignForm,
    SeasonDatesForm,
    SeasonNextForm,
)
from cohort.organise.html import select_options
from cohort.organise.selectors import audit_page

ANALYTICS_JOB = "recompute-analytics"
MENTORS_PAGE = 100  # the most loaded first


def _console(request):
    permissions.console_viewer_require(request.user)


@login_required
@require_GET
def overview_view(request):
    """The morning's page: who is signing in and logging, who went quiet, what is waiting,
    the season and the scheduled jobs."""
    _console(request)
    context = {
        "figures": selectors.overview_figures(viewer=request.user),
        "season": selectors.season_state(),
        "jobs": selectors.job_states(),
        "may_run_jobs": permissions.may_run_jobs(request.user),
        "silent_days": selectors.SILENT_DAYS,
    }
    return render(request, "organise/overview.html", context)


@login_required
@require_POST
def job_run_view(request, name: str):
    """Run a scheduled job now (organisers); back to where the button was."""
    run = services.job_run_now(actor=request.user, name=name, ip=client_ip(request))
    run.refresh_from_db(fields=["outcome", "error"])
    if run.outcome == run.Outcome.RUNNING:
        messages.success(request, _("%(job)s is queued: its run shows below.") % {"job": name})
    elif run.outcome == run.Outcome.FAILED:
        messages.error(request, _("%(job)s failed: %(error)s") % {"job": name, "error": run.error})
    else:
        messages.success(request, _("%(job)s ran: Succeeded.") % {"job": name})
    back = "organise:console-analytics" if request.POST.get("back") == "analytics" else None
    return redirect(back or "organise:console")


# --- Seasons -------------------------------------------------------------------------------


def _seasons_page(request, *, status=200, next_form=None, dates_forms=None, error=None):
    may_edit = permissions.may_manage_seasons(request.user)
    seasons = selectors.season_list()
    latest = max(seasons, key=lambda s: s.ends_on, default=None)  # as selectors.season_latest
    defaults = services.season_next_defaults(latest)
    if next_form is None:
        initial = {"starts_on": defaults[0], "ends_on": defaults[1]} if defaults else {}
        next_form = SeasonNextForm(prefix="next", initial=initial)
    bound = dates_forms or {}
    rows = [
        (
            s,
            bound.get(s.pk)
            or SeasonDatesForm(
                prefix=f"s{s.pk}", initial={"starts_on": s.starts_on, "ends_on": s.ends_on}
            ),
        )
        for s in seasons
    ]
    context = {
        "rows": rows,
        "may_edit": may_edit,
        "next_form": next_form,
        "latest": latest,
        "error_form": next_form if next_form.is_bound else next(iter(bound.values()), None),
        "error": error,
    }
    return render(request, "organise/seasons.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def seasons_view(request):
    """Every season; organisers create the next one (POST), copied from the latest."""
    _console(request)
    if request.method == "GET":
        return _seasons_page(request)
    permissions.season_manager_require(request.user)
    form = SeasonNextForm(request.POST, prefix="next")
    if form.is_valid():
        try:
            made = services.season_next_create(
                actor=request.user, ip=client_ip(request), **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error("starts_on", exc.detail)
        else:
            messages.success(
                request,
                _("%(season)s created with %(n)s assignments copied.")
                % {"season": made.season.name, "n": made.assignments},
            )
            return redirect("organise:console-seasons")
    return _seasons_page(request, status=422, next_form=form)


@login_required
@require_POST
def season_dates_view(request, season_id: int):
    permissions.season_manager_require(request.user)
    form = SeasonDatesForm(request.POST, prefix=f"s{season_id}")
    if form.is_valid():
        try:
            season = services.season_dates_update(
                actor=request.user, season_id=season_id, ip=client_ip(request),
                **form.cleaned_data,
            )  # fmt: skip
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            form.add_error("ends_on", exc.detail)
        else:
            messages.success(request, _("%(season)s: dates saved.") % {"season": season.name})
            return redirect("organise:console-seasons")
    return _seasons_page(request, status=422, dates_forms={season_id: form})


@login_required
@require_POST
def season_activate_view(request, season_id: int):
    """Start an upcoming season today, after a confirmation step."""
    permissions.season_manager_require(request.user)
    if confirmation_needed(request):
        return confirmation_page(
            request,
            question=_("Start this season today?"),
            consequence=_(
                "Its first day becomes today, its weeks move with it, and every member is "
                "told the season has begun. This cannot be undone."
            ),
            action_label=_("Start the season now"),
            cancel_url=reverse("organise:console-seasons"),
        )
    try:
        season = services.season_activate(
            actor=request.user, season_id=season_id, ip=client_ip(request)
        )
    except DomainError as exc:
        if exc.status_code == 404:
            raise
        return _seasons_page(request, status=exc.status_code, error=exc.detail)
    messages.success(request, _("%(season)s has begun.") % {"season": season.name})
    return redirect("organise:console-seasons")


# --- Mentors -------------------------------------------------------------------------------


def _mentors_page(request, *, status=200, form=None):
    may_assign = permissions.may_assign_mentors(request.user)
    groups = selectors.groups_for_assignment(viewer=request.user)
    mentors = mentors_list()
    loads = Paginator(selectors.mentor_load_list(viewer=request.user), MENTORS_PAGE)
    form = form or MentorAssignForm(groups=groups, mentors=mentors)
    context = {
        "loads": loads.get_page(request.GET.get("page")),
        "may_assign": may_assign,
        "form": form,
        "choice_fields": [
            (
                form["group"],
                select_options(((g.pk, g.name) for g in groups), form["group"].value()),
            ),
            (
                form["mentor"],
                select_options(
                    ((m.pk, f"{m.display_name} ({m.email})") for m in mentors),
                    form["mentor"].value(),
                ),
            ),
        ],
    }
    return render(request, "organise/mentors.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def mentors_view(request):
    """Each mentor's load; organisers and coordinators (their division) assign mentors to
    groups and take them off (action=remove), through accounts' group_mentor_* services."""
    _console(request)
    if request.method == "GET":
        return _mentors_page(request)
    permissions.mentor_assigner_require(request.user)
    groups = selectors.groups_for_assignment(viewer=request.user)
    form = MentorAssignForm(request.POST, groups=groups, mentors=mentors_list())
    if form.is_valid():
        remove = request.POST.get("action") == "remove"
        change = group_mentor_unassign if remove else group_mentor_assign
        try:
            group = change(
                viewer=request.user,
                group_id=form.cleaned_data["group"],
                mentor_id=form.cleaned_data["mentor"],
            )
        except DomainError as exc:
            form.add_error("mentor", exc.detail)
        else:
            messages.success(request, _("Mentors of %(group)s updated.") % {"group": group.name})
            return redirect("organise:console-mentors")
    return _mentors_page(request, status=422, form=form)


# --- Audit ---------------------------------------------------------------------------------


def _audit_filters(request) -> tuple[AuditFilterForm, AuditFilter]:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, AuditFilter(
            action=data["action"], person=data["person"], since=data["since"], until=data["until"]
        )
    return form, AuditFilter()


def _before(request) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


@login_required
@require_GET
def audit_view(request):
    """The audit log, filtered by action, person and dates, 50 a page (keyset: ?before=)."""
    _console(request)
    form, filters = _audit_filters(request)
    events, next_before = audit_page(
        viewer=request.user, filters=filters, before_id=_before(request)
    )
    query = request.GET.copy()
    query.pop("before", None)
    context = {
        "form": form,
        "events": events,
        "next_before": next_before,
        "query": query.urlencode(),
        "error_form": form if form.errors else None,
    }
    return render(request, "organise/audit.html", context, status=422 if form.errors else 200)


@login_required
@require_GET
def audit_export_view(request):
    """The filtered audit log as CSV (streamed; core.csv_export's writer). Audited."""
    _console(request)
    _form, filters = _audit_filters(request)
    services.audit_export_record(
        actor=request.user, ip=client_ip(request), filters=request.GET.urlencode()
    )
    events = selectors.audit_export_list(viewer=request.user, filters=filters)
    response = StreamingHttpResponse(_audit_rows(events), content_type="text/csv")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


class _Echo:
    def write(self, value):
        return value


def _audit_rows(events):
    writer = csv_writer(_Echo())
    yield writer.writerow(
        ["id", "when", "action", "actor", "actor_email", "ip", "target", "detail"]
    )
    for e in events.iterator(chunk_size=2000):
        actor = e.actor
        yield writer.writerow(
            [
                e.pk, e.created_at.isoformat(), e.action, actor.display_name if actor else "",
                actor.email if actor else "", e.ip or "",
                f"{e.target_type}:{e.target_id}" if e.target_type else "",
                json.dumps(e.detail, ensure_ascii=False),
            ]
        )  # fmt: skip


# --- Analytics -----------------------------------------------------------------------------


@login_required
@require_GET
def analytics_view(request):
    """When the summaries were last computed, the recompute job's last run, the button."""
    _console(request)
    job = next((j for j in selectors.job_states() if j.name == ANALYTICS_JOB), None)
    context = {
        "computed_at": analytics_computed_at(),
        "job": job,
        "job_name": ANALYTICS_JOB,
        "may_run_jobs": permissions.may_run_jobs(request.user),
    }
    return render(request, "organise/analytics.html", context)
