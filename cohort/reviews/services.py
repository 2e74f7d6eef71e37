"""Writes of submissions: members hand work in; mentors, coordinators and organisers decide
(one at a time or in bulk), and an approval awards the assignment's points in the same
transaction."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from cohort.accounts import permissions
from cohort.accounts.models import User
from cohort.competition.models import Season
from cohort.competition.selectors.seasons import season_for_day
from cohort.competition.services.points import points_award
from cohort.core.caching import cache_forget_on_commit
from cohort.core.clock import programme_today
from cohort.core.exceptions import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from cohort.core.i18n import lazy_message
from cohort.core.ratelimit import rate_limit_hit
from cohort.notifications.services import NotificationDraft, notifications_create
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record
from cohort.reviews.files import CheckedFile, files_check
from cohort.reviews.models import Assignment, Submission, SubmissionFile
from cohort.reviews.selectors import (
    LOCKED,
    SEASON_EPISODES_VERSION_KEY,
    episode_state_for,
    submissions_visible_to,
)

DECISIONS = (
    Submission.Status.APPROVED,
    Submission.Status.CHANGES_REQUESTED,
    Submission.Status.REJECTED,
)
SUBMISSIONS_LINK = "/submissions/"
BULK_REVIEW_MAX = 100


def submission_create(
    *,
    user: User,
    assignment_id: int,
    text: str,
    file: File | None = None,
    files: Sequence[File] = (),
    link: str = "",
    is_draft: bool = False,
) -> Submission:
    """Hand in work (pending) or keep it as a draft (unseen by reviewers) for the member
    themselves: members only (403); the assignment must exist (404), be open, its episode
    unlocked and its season not finalised (409); 409 while a draft or pending one exists or
    once approved (after changes or a rejection a new submission is made). Text, link and
    files as the assignment accepts them (422; something is needed unless a draft); files
    are checked by cohort.reviews.files (413/422) and go to the default storage."""
    if not permissions.may_hand_in_work(user):
        raise PermissionDenied(_("Only members hand in work."))
    _rate_limit(user)
    uploads = [*files, *([file] if file is not None else [])]
    assignment = _assignment_open_to(user=user, assignment_id=assignment_id)
    content = _content_check(assignment=assignment, text=text, link=link, uploads=uploads)
    if not is_draft:
        _content_require(content)
    with transaction.atomic():
        # One member's hand-ins queue on their user row, so a double click cannot leave two
        # pending submissions of one assignment (the check below runs under the lock).
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        _refuse_duplicate(user_id=user.pk, assignment=assignment)
        submission = Submission.objects.create(
            user=user,
            assignment=assignment,
            text=content.text,
            link=content.link,
            status=Submission.Status.DRAFT if is_draft else Submission.Status.PENDING,
        )
        _files_store(submission=submission, checked=content.files)
    return submission


def submission_update(
    *,
    user: User,
    submission_id: int,
    text: str,
    link: str = "",
    files: Sequence[File] = (),
    is_draft: bool = True,
) -> Submission:
    """Edit the member's own draft (another's, or none, is 404; a handed-in one 409): text
    and link are replaced, files added (the count includes the stored ones). With
    is_draft=False it is handed in (pending), under the same checks as submission_create."""
    _rate_limit(user)
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update().filter(pk=submission_id, user_id=user.pk).first()
        )
        if submission is None:
            raise NotFound(_("No such submission."))
        if submission.status != Submission.Status.DRAFT:
            raise Conflict(_("Only a draft can be edited; this one is handed in."))
        assignment = _assignment_open_to(user=user, assignment_id=submission.assignment_id)
        stored = submission.files.count()
        content = _content_check(
            assignment=assignment, text=text, link=link, uploads=list(files), stored=stored
        )
        if not is_draft:
            _content_require(content, stored=stored)
            submission.status = Submission.Status.PENDING
        submission.text, submission.link = content.text, content.link
        submission.save(update_fields=["text", "link", "status", "updated_at"])
        _files_store(submission=submission, checked=content.files)
    return submission


def _rate_limit(user: User) -> None:
    """Creating, editing and handing in share SUBMISSIONS_PER_MEMBER (429 beyond it)."""
    rate_limit_hit(
        action="submission-write",
        user_id=user.pk,
        rate=settings.SUBMISSIONS_PER_MEMBER,
        detail=_("You are saving submissions too fast; wait a minute."),
    )


@dataclass
class _Content:
    text: str
    link: str
    files: list[CheckedFile]


def _content_check(
    *, assignment: Assignment, text: str, link: str, uploads: list, stored: int = 0
) -> _Content:
    text, link = (text or "").strip(), (link or "").strip()
    if text and not assignment.accepts_text:
        raise InvalidInput(_("“%(title)s” takes no written answer.") % {"title": assignment.title})
    if link and not assignment.accepts_link:
        raise InvalidInput(_("“%(title)s” takes no link.") % {"title": assignment.title})
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise InvalidInput(_("The link must be a full http(s) address.")) from None
    checked = files_check(uploads, already=stored)
    if checked and not assignment.accepts_files:
        raise InvalidInput(_("“%(title)s” takes no files.") % {"title": assignment.title})
    return _Content(text, link, checked)


def _content_require(content: _Content, *, stored: int = 0) -> None:
    if not (content.text or content.link or content.files or stored):
        raise InvalidInput(_("Write something, give a link or attach a file."))


def _files_store(*, submission: Submission, checked: list[CheckedFile]) -> None:
    """Writes each file through the default storage (local media or S3)."""
    for item in checked:
        SubmissionFile.objects.create(
            submission=submission,
            file=item.upload,
            original_name=item.original_name,
            size=item.size,
            content_type=item.content_type,
        )


def _assignment_open_to(*, user: User, assignment_id: int) -> Assignment:
    assignment = (
        Assignment.objects.select_related("category", "episode__season")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise NotFound(_("No such assignment."))
    if not assignment.is_open:
        raise Conflict(_("“%(title)s” no longer takes submissions.") % {"title": assignment.title})
    episode = assignment.episode
    if episode is not None:
        if episode.season.status == Season.Status.FINALISED:
            raise Conflict(
                _("%(name)s is finalised; its work is closed.") % {"name": episode.season.name}
            )
        if episode_state_for(user_id=user.pk, episode=episode) == LOCKED:
            raise Conflict(
                _("Finish the episode before %(name)s to unlock this work.")
                % {"name": episode.name}
            )
    return assignment


def _refuse_duplicate(*, user_id: int, assignment: Assignment) -> None:
    statuses = set(
        Submission.objects.filter(
            user_id=user_id,
            assignment=assignment,
            status__in=[
                Submission.Status.DRAFT,
                Submission.Status.PENDING,
                Submission.Status.APPROVED,
            ],
        ).values_list("status", flat=True)
    )
    if Submission.Status.DRAFT in statuses:
        raise Conflict(
            _("You have a draft of “%(title)s”; edit or hand in that one.")
            % {"title": assignment.title}
        )
    if Submission.Status.APPROVED in statuses:
        raise Conflict(_("“%(title)s” is already approved.") % {"title": assignment.title})
    if Submission.Status.PENDING in statuses:
        raise Conflict(_("“%(title)s” already awaits review.") % {"title": assignment.title})


def submission_withdraw(*, user: User, submission_id: int, ip: str | None = None) -> Submission:
    """Take the member's own handed-in submission back to a draft while it still awaits
    review (another's, or none, 404; a draft or a reviewed one 409), audited. Under the
    submission's row lock, like submission_review, so a withdrawal and a review never both
    happen: whichever locks first wins and the other sees the new status."""
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update()
            .select_related("assignment")
            .filter(pk=submission_id, user_id=user.pk)
            .first()
        )
        if submission is None:
            raise NotFound(_("No such submission."))
        if submission.status == Submission.Status.DRAFT:
            raise Conflict(_("This submission is a draft already; it was never handed in."))
        if submission.status != Submission.Status.PENDING:
            raise Conflict(_("This submission has been reviewed; it can no longer be withdrawn."))
        submission.status = Submission.Status.DRAFT
        submission.save(update_fields=["status", "updated_at"])
        audit_record(
            action=AuditEvent.Action.SUBMISSION_WITHDRAWN,
            actor=user,
            ip=ip,
            target=submission,
            assignment_id=submission.assignment_id,
        )
    return submission


def submission_review(
    *, reviewer: User, submission_id: int, decision: str, feedback: str, ip: str | None = None
) -> Submission:
    """Approve a pending submission, request changes or reject it, the last two with
    feedback (422 without). Reviewers
    are organisers, the submitter's division's coordinator or group's mentors, never the
    submitter (403); one they may not see is 404; a decided one 409. Under the submission's
    row lock, so concurrent reviews give one decision; approval awards the points once."""
    permissions.reviewer_require(
        reviewer, gettext("Only mentors, coordinators and organisers review work.")
    )
    feedback = review_decision_validate(decision=decision, feedback=feedback)
    with transaction.atomic():
        submission = _locked_for_reviewer(reviewer=reviewer, submission_id=submission_id)
        if submission.user_id == reviewer.pk:
            raise PermissionDenied(_("You cannot review your own work."))
        if submission.status != Submission.Status.PENDING:
            raise Conflict(_("This submission has already been reviewed."))
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


def review_decision_validate(*, decision: str, feedback: str) -> str:
    """The feedback, stripped, if `decision` is one of DECISIONS and feedback is given unless
    approving; else InvalidInput. The one rule for single and bulk review."""
    if decision not in DECISIONS:
        raise InvalidInput(_("Decide 'approved', 'changes' or 'rejected'."))
    feedback = (feedback or "").strip()
    if decision != Submission.Status.APPROVED and not feedback:
        raise InvalidInput(_("Say why: feedback is needed unless approving."))
    return feedback


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
    or no ids is refused whole (422), as review_decision_validate says; members 403."""
    permissions.reviewer_require(
        reviewer, gettext("Only mentors, coordinators and organisers review work.")
    )
    review_decision_validate(decision=decision, feedback=feedback)
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise InvalidInput(_("Choose at least one submission."))
    if len(unique) > BULK_REVIEW_MAX:
        raise InvalidInput(
            _("Review at most %(bulk_review_max)s submissions at once.")
            % {"bulk_review_max": BULK_REVIEW_MAX}
        )
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
            outcomes.append(ReviewOutcome(submission_id, exc.status_code, str(exc.detail)))
        else:
            outcomes.append(ReviewOutcome(submission_id, 200, decision))
    return outcomes


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
        raise NotFound(_("No such submission."))
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
    if assignment.episode is not None:
        return assignment.episode.season
    season = season_for_day(programme_today())
    if season is None:
        raise Conflict(_("No season is taking points today; approve this once one starts."))
    return season


def _review_notice(submission: Submission) -> NotificationDraft:
    title = submission.assignment.title
    if submission.status == Submission.Status.APPROVED:
        text = lazy_message(
            gettext_noop("“%(title)s” was approved, worth %(points)s points."),
            title=title,
            points=submission.assignment.points,
        )
    elif submission.status == Submission.Status.REJECTED:
        text = lazy_message(
            gettext_noop("“%(title)s” was not accepted: %(feedback)s"),
            title=title,
            feedback=submission.feedback,
        )
    else:
        text = lazy_message(
            gettext_noop("“%(title)s” needs changes: %(feedback)s"),
            title=title,
            feedback=submission.feedback,
        )
    return NotificationDraft(
        recipient_id=submission.user_id,
        text=text,
        link=SUBMISSIONS_LINK,
        dedupe_key=f"submission-reviewed:{submission.pk}",
    )


def season_episodes_forget(sender=None, **kwargs) -> None:
    """post_save/post_delete of an Episode, an Assignment or a Category, from anywhere (the
    admin, the demo, a shell): the cached episodes of every season are read again."""
    cache_forget_on_commit([SEASON_EPISODES_VERSION_KEY])


def assignments_copy(*, from_season: Season, to_season: Season) -> int:
    """Copy every assignment of `from_season`'s episodes onto the episode of the same number
    in `to_season` (a due date moves with the season's start; an episode number the new
    season lacks goes to its last episode); the number copied. Run inside the caller's
    transaction. The episodes' cache is renewed (a bulk insert sends no post_save)."""
    from cohort.competition.models import Episode

    episodes = {e.number: e for e in Episode.objects.filter(season=to_season)}
    if not episodes:
        return 0
    last = episodes[max(episodes)]
    shift = to_season.starts_on - from_season.starts_on
    numbers = dict(Episode.objects.filter(season=from_season).values_list("pk", "number"))
    old = Assignment.objects.filter(episode_id__in=list(numbers))
    copied = [
        Assignment(
            title=a.title,
            description=a.description,
            category_id=a.category_id,
            episode=episodes.get(numbers.get(a.episode_id or 0, 0), last),
            points=a.points,
            is_required=a.is_required,
            is_open=a.is_open,
            due_on=a.due_on + shift if a.due_on else None,
            accepts_text=a.accepts_text,
            accepts_link=a.accepts_link,
            accepts_files=a.accepts_files,
        )
        for a in old
    ]
    Assignment.objects.bulk_create(copied)
    season_episodes_forget()
    return len(copied)
