"""Writes of submissions: members hand work in; mentors, coordinators and organisers decide,
and an approval awards the assignment's points in the same transaction."""

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from cohort.accounts.models import User
from cohort.competition.models import Season
from cohort.competition.selectors.seasons import season_for_day
from cohort.competition.services.points import points_award
from cohort.competition.services.seasons import programme_today
from cohort.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied, TooLarge
from cohort.notifications.services import NotificationDraft, notifications_create
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record
from cohort.reviews.models import Assignment, Submission
from cohort.reviews.selectors import LOCKED, episode_state_for, submissions_visible_to

DECISIONS = (Submission.Status.APPROVED, Submission.Status.CHANGES_REQUESTED)
SUBMISSIONS_LINK = "/submissions/"


def submission_create(
    *, user: User, assignment_id: int, text: str, file: File | None = None
) -> Submission:
    """Hand in work for the member themselves: members only (403); the assignment must exist
    (404), be open, its episode unlocked for them and its season not finalised (409); 409
    while one is pending or once approved; text or a file (422) of at most
    SUBMISSION_MAX_BYTES (413). The file goes to the default storage."""
    if user.role != User.Role.MEMBER:
        raise PermissionDenied("Only members hand in work.")
    text = (text or "").strip()
    has_file = file is not None and bool(file.size)
    if not text and not has_file:
        raise InvalidInput("Write something or attach a file.")
    if has_file and file.size > settings.SUBMISSION_MAX_BYTES:
        limit_mb = settings.SUBMISSION_MAX_BYTES / (1024 * 1024)
        raise TooLarge(f"The file is too large; the limit is {limit_mb:g} MB.")
    assignment = _assignment_open_to(user=user, assignment_id=assignment_id)
    with transaction.atomic():
        # One member's hand-ins queue on their user row, so a double click cannot leave two
        # pending submissions of one assignment (the check below runs under the lock).
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        _refuse_duplicate(user_id=user.pk, assignment=assignment)
        submission = Submission(user=user, assignment=assignment, text=text)
        if has_file:
            submission.file = file  # written through the default storage by save()
        submission.save()
    return submission


def _assignment_open_to(*, user: User, assignment_id: int) -> Assignment:
    assignment = (
        Assignment.objects.select_related("category", "episode__season")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise NotFound("No such assignment.")
    if not assignment.is_open:
        raise Conflict(f"“{assignment.title}” no longer takes submissions.")
    episode = assignment.episode
    if episode is not None:
        if episode.season.status == Season.Status.FINALISED:
            raise Conflict(f"{episode.season.name} is finalised; its work is closed.")
        if episode_state_for(user_id=user.pk, episode=episode) == LOCKED:
            raise Conflict(f"Finish the episode before {episode.name} to unlock this work.")
    return assignment


def _refuse_duplicate(*, user_id: int, assignment: Assignment) -> None:
    statuses = set(
        Submission.objects.filter(
            user_id=user_id,
            assignment=assignment,
            status__in=[Submission.Status.PENDING, Submission.Status.APPROVED],
        ).values_list("status", flat=True)
    )
    if Submission.Status.APPROVED in statuses:
        raise Conflict(f"“{assignment.title}” is already approved.")
    if Submission.Status.PENDING in statuses:
        raise Conflict(f"“{assignment.title}” already awaits review.")


def submission_review(
    *, reviewer: User, submission_id: int, decision: str, feedback: str, ip: str | None = None
) -> Submission:
    """Approve a pending submission or send it back with feedback (422 without). Reviewers
    are organisers, the submitter's division's coordinator or group's mentors, never the
    submitter (403); one they may not see is 404; a decided one 409. Under the submission's
    row lock, so concurrent reviews give one decision; approval awards the points once."""
    if reviewer.role == User.Role.MEMBER:
        raise PermissionDenied("Only mentors, coordinators and organisers review work.")
    feedback = _decision_validate(decision=decision, feedback=feedback)
    with transaction.atomic():
        submission = _locked_for_reviewer(reviewer=reviewer, submission_id=submission_id)
        if submission.user_id == reviewer.pk:
            raise PermissionDenied("You cannot review your own work.")
        if submission.status != Submission.Status.PENDING:
            raise Conflict("This submission has already been reviewed.")
        submission.status = decision
        submission.reviewer = reviewer
        submission.feedback = feedback
        submission.reviewed_at = timezone.now()
        submission.save(
            update_fields=["status", "reviewer", "feedback", "reviewed_at", "updated_at"]
        )
        if decision == Submission.Status.APPROVED:
            _points_award_for(submission)
        audit_record(
            action=AuditEvent.Action.SUBMISSION_REVIEWED,
            actor=reviewer,
            ip=ip,
            target=submission,
            decision=decision,
            user_id=submission.user_id,
            assignment_id=submission.assignment_id,
        )
        notifications_create(drafts=[_review_notice(submission)])
    return submission


def _decision_validate(*, decision: str, feedback: str) -> str:
    if decision not in DECISIONS:
        raise InvalidInput("Decide 'approved' or 'changes'.")
    feedback = (feedback or "").strip()
    if decision != Submission.Status.APPROVED and not feedback:
        raise InvalidInput("Say what needs to change.")
    return feedback


def _locked_for_reviewer(*, reviewer: User, submission_id: int) -> Submission:
    """The submission, row-locked (only its own row: of=self), if the reviewer may see it."""
    found = (
        submissions_visible_to(reviewer)
        .select_for_update(of=("self",))
        .select_related("user", "assignment__category", "assignment__episode__season")
        .filter(pk=submission_id)
        .first()
    )
    if found is None:
        raise NotFound("No such submission.")
    return found


def _points_award_for(submission: Submission) -> None:
    """The assignment's points, keyed by assignment and member: a resubmission approved
    again changes nothing. Raises Conflict (rolling the approval back) when no season
    takes them or it is finalised."""
    assignment = submission.assignment
    points_award(
        user_id=submission.user_id,
        season=_award_season(assignment),
        category=assignment.category,
        source=f"work:{assignment.pk}:{submission.user_id}",
        points=assignment.points,
        reason=f"Approved: {assignment.title}",
    )


def _award_season(assignment: Assignment) -> Season:
    if assignment.episode_id is not None:
        return assignment.episode.season
    season = season_for_day(programme_today())
    if season is None:
        raise Conflict("No season is taking points today; approve this once one starts.")
    return season


def _review_notice(submission: Submission) -> NotificationDraft:
    title = submission.assignment.title
    if submission.status == Submission.Status.APPROVED:
        text = f"“{title}” was approved, worth {submission.assignment.points} points."
    else:
        text = f"“{title}” needs changes: {submission.feedback}"
    return NotificationDraft(
        recipient_id=submission.user_id,
        text=text,
        link=SUBMISSIONS_LINK,
        dedupe_key=f"submission-reviewed:{submission.pk}",
    )
