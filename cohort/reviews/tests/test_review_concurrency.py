"""Two mentors deciding the same submission at once: threads, each with its own PostgreSQL
connection, released together by a barrier."""

import pytest

from cohort.competition.models import PointsEntry
from cohort.core.exceptions import Conflict
from cohort.core.testing import race
from cohort.notifications.models import Notification
from cohort.ops.models import AuditEvent
from cohort.reviews.models import Submission
from cohort.reviews.services import submission_review
from cohort.reviews.tests.factories import SubmissionFactory, mentor_of

pytestmark = pytest.mark.django_db(transaction=True)


def _race_calls(calls) -> tuple[list, list]:
    return race(lambda n: calls[n](), len(calls))


def _decide(reviewer, submission, decision, feedback=""):
    return lambda: submission_review(
        reviewer=reviewer, submission_id=submission.pk, decision=decision, feedback=feedback
    )


def test_two_mentors_approving_at_once_give_one_decision_and_one_award(
    postgres_only, group, member, mentor, first_work
):
    other_mentor = mentor_of(group)
    submission = SubmissionFactory(user=member, assignment=first_work)
    approve = Submission.Status.APPROVED

    results, errors = _race_calls(
        [_decide(mentor, submission, approve), _decide(other_mentor, submission, approve)]
    )

    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], Conflict)
    submission.refresh_from_db()
    assert submission.status == approve
    assert submission.reviewer_id == results[0].reviewer.pk
    assert PointsEntry.objects.filter(user=member).count() == 1
    assert Notification.objects.filter(recipient=member).count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SUBMISSION_REVIEWED).count() == 1


def test_an_approval_racing_a_request_for_changes_leaves_one_decision(
    postgres_only, group, member, mentor, first_work
):
    other_mentor = mentor_of(group)
    submission = SubmissionFactory(user=member, assignment=first_work)

    results, errors = _race_calls(
        [
            _decide(mentor, submission, Submission.Status.APPROVED),
            _decide(other_mentor, submission, Submission.Status.CHANGES_REQUESTED, "Redo it"),
        ]
    )

    assert len(results) == 1 and len(errors) == 1
    submission.refresh_from_db()
    assert submission.status == results[0].status
    awarded = PointsEntry.objects.filter(user=member).count()
    assert awarded == (1 if submission.status == Submission.Status.APPROVED else 0)


def test_two_hand_ins_at_once_leave_one_pending(postgres_only, member, first_work):
    from cohort.reviews.services import submission_create

    def hand_in(n):
        return lambda: submission_create(user=member, assignment_id=first_work.pk, text=f"v{n}")

    results, errors = _race_calls([hand_in(n) for n in range(4)])

    assert len(results) == 1
    assert len(errors) == 3 and all(isinstance(e, Conflict) for e in errors)
    assert Submission.objects.filter(user=member, status=Submission.Status.PENDING).count() == 1
