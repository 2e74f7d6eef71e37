"""The mentor API: bulk review and the students board (errors as {"detail": ...})."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from cohort.accounts.auth import token_or_session
from cohort.accounts.permissions import reviewer_require
from cohort.core.http import client_ip
from cohort.core.schemas import JsonInt
from cohort.mentoring.selectors import students_board
from cohort.reviews.services import BULK_REVIEW_MAX, submissions_review_bulk

router = Router(tags=["mentoring"], auth=token_or_session)


class BulkReviewIn(Schema):
    ids: list[JsonInt] = Field(..., max_length=BULK_REVIEW_MAX, description="submission ids")
    decision: str = Field(..., description="'approved', 'changes' or 'rejected'")
    feedback: str = Field("", max_length=5000, description="required unless approving")


class ReviewOutcomeOut(Schema):
    id: int
    ok: bool
    status: int = Field(..., description="200 when decided, else the error's HTTP status")
    detail: str


class BulkReviewOut(Schema):
    outcomes: list[ReviewOutcomeOut]


class StudentPointsOut(Schema):
    category: str
    points: int


class TargetMissOut(Schema):
    category: str
    approved: int
    target: int


class StudentOut(Schema):
    id: int
    name: str
    group: str
    points: list[StudentPointsOut]
    season_score: int
    streak: int
    last_logged_on: dt.date | None
    pending: int
    missed_targets: list[TargetMissOut]


@router.post("/mentor/reviews", response=BulkReviewOut, summary="Review several submissions")
def review_bulk(request: HttpRequest, payload: BulkReviewIn):
    """Each id through the single review: one that fails (decided already: 409; not yours
    to see: 404) is reported with its status and the others go on."""
    reviewer_require(request.user)
    outcomes = submissions_review_bulk(
        reviewer=request.user,
        ids=payload.ids,
        decision=payload.decision,
        feedback=payload.feedback,
        ip=client_ip(request),
    )
    return {
        "outcomes": [
            {"id": o.id, "ok": o.is_ok, "status": o.status_code, "detail": o.detail}
            for o in outcomes
        ]
    }


@router.get("/mentor/students", response=list[StudentOut], summary="The viewer's students")
def students(request: HttpRequest, group: int | None = None):
    """Mentors' groups' members (coordinators: their division's; organisers: everyone, at
    most 200; `group` to filter) with season points, streak, pending work and missed
    monthly targets."""
    board = students_board(viewer=request.user, group_id=group)
    return [
        {
            "id": row.user.pk,
            "name": row.user.display_name,
            "group": row.user.group.name,
            "points": [{"category": c.name, "points": p} for c, p in row.points],
            "season_score": row.season_score,
            "streak": row.streak,
            "last_logged_on": row.user.last_logged_on,
            "pending": row.pending,
            "missed_targets": [
                {"category": m.category.name, "approved": m.approved, "target": m.target}
                for m in row.missed
            ],
        }
        for row in board.rows
    ]
