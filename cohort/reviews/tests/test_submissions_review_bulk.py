"""Bulk review decides each submission as the single review does: the same decisions, the
same feedback rule and the same messages (they had drifted apart)."""

import pytest

from cohort.accounts.tests.factories import MemberFactory
from cohort.core.exceptions import InvalidInput
from cohort.reviews.models import Submission
from cohort.reviews.services import submission_review, submissions_review_bulk
from cohort.reviews.tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def _refusals(mentor, submission, **decision) -> tuple[str, str]:
    """What the single and the bulk review say to the same bad decision."""
    with pytest.raises(InvalidInput) as single:
        submission_review(reviewer=mentor, submission_id=submission.pk, **decision)
    with pytest.raises(InvalidInput) as bulk:
        submissions_review_bulk(reviewer=mentor, ids=[submission.pk], **decision)
    return single.value.detail, bulk.value.detail


def test_an_unknown_decision_gets_the_single_reviews_message(mentor, member, first_work):
    submission = SubmissionFactory(user=member, assignment=first_work)
    single, bulk = _refusals(mentor, submission, decision="maybe", feedback="Hm")
    assert bulk == single == "Decide 'approved', 'changes' or 'rejected'."


@pytest.mark.parametrize("decision", ["changes", "rejected"])
def test_missing_feedback_gets_the_single_reviews_message(mentor, member, first_work, decision):
    submission = SubmissionFactory(user=member, assignment=first_work)
    single, bulk = _refusals(mentor, submission, decision=decision, feedback="  ")
    assert bulk == single == "Say why: feedback is needed unless approving."


def test_bulk_rejects_with_feedback_as_single_review_does(mentor, group, first_work):
    submissions = [SubmissionFactory(user=MemberFactory(group=group), assignment=first_work)]
    submissions.append(SubmissionFactory(user=MemberFactory(group=group), assignment=first_work))
    outcomes = submissions_review_bulk(
        reviewer=mentor,
        ids=[s.pk for s in submissions],
        decision="rejected",
        feedback=" Not this one ",
    )
    assert [(o.id, o.is_ok, o.detail) for o in outcomes] == [
        (s.pk, True, "rejected") for s in submissions
    ]
    for submission in submissions:
        submission.refresh_from_db()
        assert (submission.status, submission.feedback) == (
            Submission.Status.REJECTED,
            "Not this one",
        )


def test_the_bulk_api_documents_every_decision(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    decision = schema["BulkReviewIn"]["properties"]["decision"]["description"]
    assert decision == "'approved', 'changes' or 'rejected'"
