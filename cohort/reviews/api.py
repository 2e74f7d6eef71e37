from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from cohort.accounts.auth import token_or_session
from cohort.competition.selectors.seasons import season_current
from cohort.core.exceptions import NotFound
from cohort.core.http import client_ip
from cohort.core.pagination import CursorPagination
from cohort.reviews.files import file_open
from cohort.reviews.schemas import AssignmentOut, ReviewIn, SubmissionOut
from cohort.reviews.selectors import (
    assignments_for_member,
    submission_file_get_for_viewer,
    submission_get_for_viewer,
    submission_list,
)
from cohort.reviews.services import (
    submission_create,
    submission_review,
    submission_update,
    submission_withdraw,
)

router = Router(tags=["submissions"], auth=token_or_session)

PAGE_SIZE = 20


@router.get("/submissions", response=list[SubmissionOut], summary="The viewer's, newest first")
@paginate(CursorPagination, ordering=("-id",), page_size=PAGE_SIZE, max_page_size=100)
def list_submissions(request: HttpRequest, assignment: int | None = None, status: str = ""):
    """Optionally of one `assignment` or one `status`; follow `next` for older ones."""
    return submission_list(viewer=request.user, assignment_id=assignment, status=status)


@router.post("/submissions", response={201: SubmissionOut}, summary="Hand in work")
def create_submission(
    request: HttpRequest,
    assignment: Form[int],
    text: Form[str] = "",
    link: Form[str] = "",
    draft: Form[bool] = False,
    files: File[list[UploadedFile]] = None,
    file: File[UploadedFile] = None,
):
    """Multipart: `assignment` (its id), `text`, `link` and/or several `files` (PDF, images,
    office documents by content, else 422; at most SUBMISSION_MAX_FILES of at most
    SUBMISSION_MAX_BYTES each, else 422/413); `draft=true` keeps it unseen by reviewers.
    It starts pending (or draft); nothing here sets any other status."""
    uploads = [*(files or []), *([file] if file else [])]
    created = submission_create(
        user=request.user,
        assignment_id=assignment,
        text=text,
        link=link,
        files=uploads,
        is_draft=draft,
    )
    return Status(201, submission_get_for_viewer(request.user, created.pk))


@router.post("/submissions/{int:submission_id}", response=SubmissionOut, summary="Edit a draft")
def update_submission(
    request: HttpRequest,
    submission_id: int,
    text: Form[str] = "",
    link: Form[str] = "",
    draft: Form[bool] = True,
    files: File[list[UploadedFile]] = None,
):
    """The member's own draft: text and link replaced, `files` added; `draft=false` hands
    it in. Another's is 404, a handed-in one 409."""
    submission_update(
        user=request.user,
        submission_id=submission_id,
        text=text,
        link=link,
        files=files or [],
        is_draft=draft,
    )
    return submission_get_for_viewer(request.user, submission_id)


@router.get("/submissions/{int:submission_id}", response=SubmissionOut, summary="One submission")
def get_submission(request: HttpRequest, submission_id: int):
    """The viewer's own, or (reviewers) one of their groups' handed in; 404 otherwise."""
    return submission_get_for_viewer(request.user, submission_id)


@router.get("/submissions/{int:submission_id}/file", summary="A submission's first file")
def get_submission_first_file(request: HttpRequest, submission_id: int):
    """Kept for clients of the one-file API: the first file, as in /files/{file id}."""
    submission = submission_get_for_viewer(request.user, submission_id)
    first = next(iter(submission.files.all()), None)
    if first is None:
        raise NotFound(_("This submission has no file."))
    return FileResponse(file_open(first.file), as_attachment=True, filename=first.original_name)


@router.get("/submissions/{int:submission_id}/files/{int:file_id}", summary="A file")
def get_submission_file(request: HttpRequest, submission_id: int, file_id: int):
    """One file, as an attachment, to whoever may see the submission; 404 otherwise."""
    found = submission_file_get_for_viewer(request.user, file_id)
    if found.submission_id != submission_id:
        raise NotFound(_("No such file."))
    return FileResponse(file_open(found.file), as_attachment=True, filename=found.original_name)


@router.post(
    "/submissions/{int:submission_id}/withdraw",
    response=SubmissionOut,
    summary="Withdraw work awaiting review",
)
def withdraw_submission(request: HttpRequest, submission_id: int):
    """The member's own submission, while it awaits review, goes back to a draft (to edit
    and hand in again). Another's is 404; a draft or a reviewed one 409."""
    submission_withdraw(user=request.user, submission_id=submission_id, ip=client_ip(request))
    return submission_get_for_viewer(request.user, submission_id)


@router.post(
    "/submissions/{int:submission_id}/review", response=SubmissionOut, summary="Review work"
)
def review_submission(request: HttpRequest, submission_id: int, payload: ReviewIn):
    """Mentors of the member's group, their division's coordinators and organisers:
    `{"decision": "approved"}` or `{"decision": "changes", "feedback": "..."}`."""
    return submission_review(
        reviewer=request.user,
        submission_id=submission_id,
        decision=payload.decision,
        feedback=payload.feedback,
        ip=client_ip(request),
    )


@router.get("/assignments", response=list[AssignmentOut], summary="Open assignments")
def list_assignments(request: HttpRequest):
    """The current season's open assignments (and those outside any episode), each with the
    state of its episode for the viewer and their latest submission's status."""
    return assignments_for_member(user_id=request.user.pk, season=season_current())
