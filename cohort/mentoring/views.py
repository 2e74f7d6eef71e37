"""The mentor pages: the review queue (/mentor/), the students board (/mentor/students/),
mentor assignment (/mentor/groups/) and monthly reports (/report/, /mentor/report/)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cohort.accounts.permissions import reviewer_require
from cohort.accounts.services.groups import group_mentor_assign, group_mentor_unassign
from cohort.activity.selectors import flagged_day_get_for_viewer, flagged_days_page
from cohort.activity.services.daily import activity_review
from cohort.core.confirm import confirmation_needed, confirmation_page
from cohort.core.exceptions import DomainError, InvalidInput
from cohort.core.http import client_ip
from cohort.mentoring.html import queue_rows_html
from cohort.mentoring.reports import (
    member_report,
    mentor_report,
    report_csv,
    report_month_parse,
)
from cohort.mentoring.selectors import (
    mentor_groups_list,
    mentors_list,
    review_queue,
    students_board,
)
from cohort.reviews.models import Submission
from cohort.reviews.selectors import submission_get_for_viewer
from cohort.reviews.services import submission_review, submissions_review_bulk


def _domain_errors_as_pages(view):
    """Login required; a DomainError becomes the error page with its status (never a 500)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            context = {"status": exc.status_code, "detail": exc.detail}
            return render(request, "error.html", context, status=exc.status_code)

    return wrapped


def _number(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    if not value.isdigit() or len(value) > 18:
        raise InvalidInput(_("%(name)s must be a number.") % {"name": name})
    return int(value)


@require_GET
@_domain_errors_as_pages
def mentor_home(request):
    """The groups the viewer looks after, their review queue and their flagged days to
    confirm, oldest first (?group=, ?after= and ?flags_after= for the next pages)."""
    group_id = _number(request.GET.get("group"), "group")
    page = review_queue(
        viewer=request.user, group_id=group_id, after_id=_number(request.GET.get("after"), "after")
    )
    flags = flagged_days_page(
        viewer=request.user,
        group_id=group_id,
        after_id=_number(request.GET.get("flags_after"), "flags_after"),
    )
    groups = mentor_groups_list(viewer=request.user, with_mentors=False)
    csrf_token = get_token(request)  # one for every form of the page, as {% csrf_token %}
    rows_html = queue_rows_html(page.items, group_id=group_id, csrf_token=csrf_token)
    context = {"page": page, "flags": flags, "groups": groups, "group_id": group_id,
               "rows_html": rows_html, "csrf_token": csrf_token}  # fmt: skip
    return render(request, "mentoring/queue.html", context)


@require_POST
@_domain_errors_as_pages
def mentor_flag_review(request, activity_id: int):
    """Confirm (counts in full) or reject (counts nothing) one flagged day."""
    row = flagged_day_get_for_viewer(request.user, activity_id)
    decided = activity_review(
        activity=row, decision=request.POST.get("decision", ""), actor=request.user
    )
    message = (
        _("%(display_name)s's %(format)s steps on %(format2)s: confirmed.")
        if decided.review == "confirmed"
        else _("%(display_name)s's %(format)s steps on %(format2)s: rejected.")
    )
    messages.success(
        request,
        message
        % {
            "display_name": row.user.display_name,
            "format": number_format(row.steps, force_grouping=True),
            "format2": date_format(row.date, "j M"),
        },
    )
    return redirect(_back(request) + "#flags")


@require_POST
@_domain_errors_as_pages
def mentor_review(request, submission_id: int):
    """Approve, request changes or reject (feedback required for both) one submission; a
    rejection is final, so it is confirmed first."""
    if _rejection_unconfirmed(request):
        reviewer_require(request.user)
        submission = submission_get_for_viewer(request.user, submission_id)
        return confirmation_page(
            request,
            question=_("Reject “%(title)s” by %(display_name)s?")
            % {"title": submission.assignment.title, "display_name": submission.user.display_name},
            consequence=_(
                "A rejection cannot be undone: the member is told the work was not "
                "accepted, with your feedback, and gets no points for it. To let them fix it, "
                "request changes instead."
            ),
            action_label=_("Reject"),
            cancel_url=_back(request),
        )
    decided = submission_review(
        reviewer=request.user,
        submission_id=submission_id,
        decision=request.POST.get("decision", ""),
        feedback=request.POST.get("feedback", ""),
        ip=client_ip(request),
    )
    messages.success(
        request,
        _("“%(title)s”: %(get_status_display)s.")
        % {"title": decided.assignment.title, "get_status_display": decided.get_status_display()},
    )
    return redirect(_back(request))


@require_POST
@_domain_errors_as_pages
def mentor_review_bulk(request):
    """Approve, send back or reject every checked submission (a rejection once confirmed);
    each failure is reported."""
    ids = [_number(value, "ids") for value in request.POST.getlist("ids")]
    reviewer_require(request.user)
    if ids and _rejection_unconfirmed(request):
        count = len(set(ids))
        return confirmation_page(
            request,
            question=ngettext(
                "Reject %(count)s submission?", "Reject %(count)s submissions?", count
            )
            % {"count": count},
            consequence=_(
                "A rejection cannot be undone: each member is told the work was not "
                "accepted, with your feedback, and gets no points for it. To let them fix it, "
                "request changes instead."
            ),
            action_label=_("Reject %(count)s") % {"count": count},
            cancel_url=_back(request),
        )
    outcomes = submissions_review_bulk(
        reviewer=request.user,
        ids=ids,
        decision=request.POST.get("decision", "approved"),
        feedback=request.POST.get("feedback", ""),
        ip=client_ip(request),
    )
    done = sum(o.is_ok for o in outcomes)
    messages.success(
        request,
        ngettext("%(done)s submission reviewed.", "%(done)s submissions reviewed.", done)
        % {"done": done},
    )
    for outcome in outcomes:
        if not outcome.is_ok:
            messages.error(
                request,
                _("Submission %(id)s: %(detail)s") % {"id": outcome.id, "detail": outcome.detail},
            )
    return redirect(_back(request))


def _rejection_unconfirmed(request) -> bool:
    """A rejection with its feedback that the reviewer has not confirmed yet (one without
    feedback goes straight to the service, which says what is missing)."""
    return (
        request.POST.get("decision") == Submission.Status.REJECTED
        and bool(request.POST.get("feedback", "").strip())
        and confirmation_needed(request)
    )


def _back(request) -> str:
    group = request.POST.get("group", "")
    return f"/mentor/?group={group}" if group.isdigit() else "/mentor/"


@require_GET
@_domain_errors_as_pages
def mentor_students(request):
    """Each student with season points by category, streak, pending work, target flags."""
    group_id = _number(request.GET.get("group"), "group")
    board = students_board(viewer=request.user, group_id=group_id)
    groups = mentor_groups_list(viewer=request.user, with_mentors=False)
    context = {"board": board, "groups": groups, "group_id": group_id}
    return render(request, "mentoring/students.html", context)


@_domain_errors_as_pages
def mentor_groups(request):
    """Groups in reach with their mentors; coordinators and organisers assign and unassign."""
    if request.method == "POST":
        remove = request.POST.get("action") == "remove"
        change = group_mentor_unassign if remove else group_mentor_assign
        group = change(
            viewer=request.user,
            group_id=_number(request.POST.get("group"), "group") or 0,
            mentor_id=_number(request.POST.get("mentor"), "mentor") or 0,
        )
        messages.success(request, _("Mentors of %(name)s updated.") % {"name": group.name})
        return redirect("mentoring:mentor-groups")
    reviewer_require(request.user)
    context = {"groups": mentor_groups_list(viewer=request.user), "mentors": mentors_list()}
    return render(request, "mentoring/groups.html", context)


@require_GET
@_domain_errors_as_pages
def member_report_view(request):
    """A member's month (?user=, ?month=YYYY-MM, ?format=csv)."""
    report = member_report(
        viewer=request.user,
        user_id=_number(request.GET.get("user"), "user"),
        month=report_month_parse(request.GET.get("month")),
    )
    return _report_response(request, report)


@require_GET
@_domain_errors_as_pages
def mentor_report_view(request):
    """A mentor's month over all their students (?mentor=, ?month=YYYY-MM, ?format=csv)."""
    report = mentor_report(
        viewer=request.user,
        mentor_id=_number(request.GET.get("mentor"), "mentor"),
        month=report_month_parse(request.GET.get("month")),
    )
    return _report_response(request, report)


def _report_response(request, report):
    if request.GET.get("format") == "csv":
        response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="report-{report.slug}.csv"'
        return response
    return render(request, "mentoring/report.html", {"report": report})
