from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohort.competition.selectors.seasons import season_current
from cohort.core.exceptions import DomainError, InvalidInput
from cohort.core.http import client_ip, error_response, form_error_add
from cohort.reviews.files import file_open
from cohort.reviews.forms import SubmissionForm
from cohort.reviews.selectors import submission_file_get_for_viewer, submissions_page_get
from cohort.reviews.services import submission_create, submission_update, submission_withdraw


@login_required
@require_http_methods(["GET", "POST"])
def submissions_view(request):
    """The member's assignments of the current season by episode, a form for each to save a
    draft or hand in, and their past submissions. A refused POST shows the page again with
    the error beside that assignment's form, with the error's status (422, 413, 409...)."""
    form, refusal = None, None
    if request.method == "POST":
        form, refusal = SubmissionForm(request.POST, request.FILES), InvalidInput(_("Check it."))
        try:
            if form.is_valid():
                _hand_in(request, form)
                return redirect("reviews:submissions")
        except DomainError as error:
            refusal = form_error_add(form, None, error)
    posted = request.POST.get("assignment", "")
    context = {
        "page": submissions_page_get(user=request.user, season=season_current()),
        "form": form,
        "failed_id": int(posted) if posted.isdigit() else None,
        "max_files": settings.SUBMISSION_MAX_FILES,
        "max_bytes": settings.SUBMISSION_MAX_BYTES,
    }
    response = render(request, "reviews/submissions.html", context)
    return error_response(response, refusal)


def _hand_in(request, form: SubmissionForm) -> None:
    data, draft_id = form.cleaned_data, request.POST.get("draft", "")
    fields = {"text": data["text"], "link": data["link"], "files": data["files"]}
    if draft_id.isdigit():
        submission_update(
            user=request.user, submission_id=int(draft_id), is_draft=form.is_draft, **fields
        )
    else:
        submission_create(
            user=request.user, assignment_id=data["assignment"], is_draft=form.is_draft, **fields
        )
    messages.success(
        request, gettext("Draft saved.") if form.is_draft else gettext("Handed in for review.")
    )


@login_required
@require_GET
def submission_file_view(request, file_id: int):
    """A submission's file, as an attachment, to whoever may see the submission (else 404)."""
    found = submission_file_get_for_viewer(request.user, file_id)
    return FileResponse(file_open(found.file), as_attachment=True, filename=found.original_name)


@login_required
@require_POST
def submission_withdraw_view(request, submission_id: int):
    """Withdraw one's own submission still awaiting review: it is a draft again."""
    withdrawn = submission_withdraw(
        user=request.user, submission_id=submission_id, ip=client_ip(request)
    )
    messages.success(
        request,
        _("“%(title)s” is withdrawn: it is a draft again to edit.")
        % {"title": withdrawn.assignment.title},
    )
    return redirect("reviews:submissions")
