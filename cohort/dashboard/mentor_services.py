"""Writes of the mentor pages: bulk review (each item through `submission_review`, in its own
transaction) and coordinators' and organisers' assignment of mentors to groups."""

from dataclasses import dataclass

from django.db import transaction

from cohort.accounts.models import Group, User
from cohort.accounts.permissions import mentor_assigner_require, reviewer_require
from cohort.core.exceptions import DomainError, InvalidInput, NotFound
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record
from cohort.reviews.models import Submission
from cohort.reviews.services import DECISIONS, submission_review

BULK_REVIEW_MAX = 100


@dataclass
class ReviewOutcome:
    id: int
    status_code: int  # 200 when decided, else the domain error's status
    detail: str

    @property
    def is_ok(self) -> bool:
        return self.status_code == 200


def submissions_review_bulk(
    *, reviewer: User, ids: list[int], decision: str, feedback: str = "", ip: str | None = None
) -> list[ReviewOutcome]:
    """Decide each submission of `ids` (at most BULK_REVIEW_MAX, duplicates once) through
    submission_review, each in its own transaction: one that fails (decided already, not the
    reviewer's to see) is reported and the others go on. A bad decision, missing feedback
    for changes or no ids is refused whole (422); members 403."""
    reviewer_require(reviewer)
    if decision not in DECISIONS:
        raise InvalidInput("Decide 'approved' or 'changes'.")
    if decision != Submission.Status.APPROVED and not (feedback or "").strip():
        raise InvalidInput("Say what needs to change.")
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise InvalidInput("Choose at least one submission.")
    if len(unique) > BULK_REVIEW_MAX:
        raise InvalidInput(f"Review at most {BULK_REVIEW_MAX} submissions at once.")
    outcomes = []
    for submission_id in unique:
        try:
            submission_review(
                reviewer=reviewer,
                submission_id=submission_id,
                decision=decision,
                feedback=feedback,
                ip=ip,
            )
        except DomainError as exc:
            outcomes.append(ReviewOutcome(submission_id, exc.status_code, exc.detail))
        else:
            outcomes.append(ReviewOutcome(submission_id, 200, decision))
    return outcomes


def _group_for_assigner(*, viewer: User, group_id: int) -> Group:
    """The group, row-locked, if the viewer may assign its mentors: organisers any group,
    coordinators their division's (NotFound otherwise); other roles PermissionDenied."""
    mentor_assigner_require(viewer)
    group = Group.objects.for_viewer(viewer).select_for_update().filter(pk=group_id).first()
    if group is None:
        raise NotFound("No such group.")
    return group


def _mentor_get(mentor_id: int) -> User:
    mentor = User.objects.filter(pk=mentor_id, is_active=True, role=User.Role.MENTOR).first()
    if mentor is None:
        raise InvalidInput("Choose an active mentor.")
    return mentor


def group_mentor_assign(*, viewer: User, group_id: int, mentor_id: int) -> Group:
    """Make the user a mentor of the group (nothing changes if they already are). 404 for a
    group outside the viewer's reach, 422 for a user who is not an active mentor. Audited."""
    with transaction.atomic():
        group = _group_for_assigner(viewer=viewer, group_id=group_id)
        group.mentors.add(_mentor_get(mentor_id))
        audit_record(
            action=AuditEvent.Action.MENTOR_ASSIGNED,
            actor=viewer,
            target=group,
            mentor_id=mentor_id,
        )
    return group


def group_mentor_unassign(*, viewer: User, group_id: int, mentor_id: int) -> Group:
    """Stop the user mentoring the group (nothing changes if they did not); checks as
    group_mentor_assign."""
    with transaction.atomic():
        group = _group_for_assigner(viewer=viewer, group_id=group_id)
        group.mentors.remove(_mentor_get(mentor_id))
        audit_record(
            action=AuditEvent.Action.MENTOR_UNASSIGNED,
            actor=viewer,
            target=group,
            mentor_id=mentor_id,
        )
    return group
