import posixpath

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import CursorPagination, paginate

from cohort.accounts.auth import token_or_session
from cohort.competition.selectors.seasons import season_current
from cohort.core.exceptions import NotFound
from cohort.core.http import client_ip
from cohort.reviews.schemas import AssignmentOut, ReviewIn, SubmissionOut
from cohort.reviews.selectors import (
    assignments_for_member,
    submission_get_for_viewer,
    submission_list,
)
from cohort.reviews.services import submission_create, submission_review

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
    file: File[UploadedFile] = None,
):
    """Multipart: `assignment` (its id), `text` and/or `file` (at most SUBMISSION_MAX_BYTES,
    else 413). It starts pending; nothing here sets its status."""
    created = submission_create(user=request.user, assignment_id=assignment, text=text, file=file)
    return Status(201, created)


@router.get("/submissions/{int:submission_id}", response=SubmissionOut, summary="One submission")
def get_submission(request: HttpRequest, submission_id: int):
    """The viewer's own, or (reviewers) one of their groups'; 404 otherwise."""
    return submission_get_for_viewer(request.user, submission_id)


@router.get("/submissions/{int:submission_id}/file", summary="A submission's file")
def get_submission_file(request: HttpRequest, submission_id: int):
    """The attached file, through the default storage, to whoever may see the submission."""
    submission = submission_get_for_viewer(request.user, submission_id)
    if not submission.file:
        raise NotFound("This submission has no file.")
    name = posixpath.basename(submission.file.name)
    return FileResponse(submission.file.open("rb"), as_attachment=True, filename=name)


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
