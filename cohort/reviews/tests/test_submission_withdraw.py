"""A member withdraws handed-in work while it awaits review (it is a draft again, audited);
not once reviewed, not another's, not a draft. API and page."""

import pytest

from cohort.core.exceptions import NotFound
from cohort.ops.models import AuditEvent
from cohort.reviews.models import Submission
from cohort.reviews.services import submission_review, submission_withdraw
from cohort.reviews.tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/submissions/{}/withdraw"


@pytest.fixture
def pending(member, first_work):
    return SubmissionFactory(user=member, assignment=first_work)


def test_the_api_takes_pending_work_back_to_a_draft_and_audits_it(signed_in, member, pending):
    response = signed_in(member).post(URL.format(pending.pk))
    assert response.status_code == 200 and response.json()["status"] == "draft"
    assert Submission.objects.get(pk=pending.pk).status == "draft"
    event = AuditEvent.objects.get(action=AuditEvent.Action.SUBMISSION_WITHDRAWN)
    assert event.actor == member


def test_the_withdrawn_draft_can_be_handed_in_again(signed_in, member, pending):
    client = signed_in(member)
    client.post(URL.format(pending.pk))
    again = client.post(f"/api/v1/submissions/{pending.pk}", {"text": "Better", "draft": False})
    assert again.status_code == 200 and again.json()["status"] == "pending"


@pytest.mark.parametrize("decision", ["approved", "changes", "rejected"])
def test_reviewed_work_cannot_be_withdrawn(signed_in, member, mentor, pending, decision):
    submission_review(
        reviewer=mentor, submission_id=pending.pk, decision=decision, feedback="Noted"
    )
    response = signed_in(member).post(URL.format(pending.pk))
    assert response.status_code == 409 and "reviewed" in response.json()["detail"]
    assert Submission.objects.get(pk=pending.pk).status == decision


def test_a_draft_is_409_and_anothers_or_an_unknown_id_is_404(signed_in, member, first_work):
    draft = SubmissionFactory(user=member, assignment=first_work, status="draft")
    client = signed_in(member)
    assert client.post(URL.format(draft.pk)).status_code == 409
    theirs = SubmissionFactory(assignment=first_work)
    assert client.post(URL.format(theirs.pk)).status_code == 404
    assert client.post(URL.format(999_999)).status_code == 404
    assert Submission.objects.get(pk=theirs.pk).status == "pending"


def test_a_review_after_the_withdrawal_finds_nothing_to_decide(member, mentor, pending):
    submission_withdraw(user=member, submission_id=pending.pk)
    with pytest.raises(NotFound):  # a draft is its author's alone again
        submission_review(
            reviewer=mentor, submission_id=pending.pk, decision="approved", feedback=""
        )
    assert Submission.objects.get(pk=pending.pk).status == "draft"


def test_the_page_offers_withdraw_for_pending_work_and_does_it(signed_in, member, pending):
    client = signed_in(member)
    page = client.get("/submissions/").content.decode()
    assert f'action="/submissions/{pending.pk}/withdraw/"' in page and "Yes, withdraw" in page
    response = client.post(f"/submissions/{pending.pk}/withdraw/")
    assert response.status_code == 302
    assert Submission.objects.get(pk=pending.pk).status == "draft"
    after = client.get("/submissions/").content.decode()
    assert f'action="/submissions/{pending.pk}/withdraw/"' not in after


def test_the_page_refuses_reviewed_work_with_its_status(signed_in, member, mentor, pending):
    submission_review(reviewer=mentor, submission_id=pending.pk, decision="approved", feedback="")
    response = signed_in(member).post(f"/submissions/{pending.pk}/withdraw/")
    assert response.status_code == 409 and b"can no longer be withdrawn" in response.content
