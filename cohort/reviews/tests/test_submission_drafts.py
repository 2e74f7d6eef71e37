"""Drafts, handing them in, resubmission after changes or a rejection, and points once."""

import pytest

from cohort.accounts.models import User
from cohort.accounts.tests.factories import MemberFactory, StaffFactory
from cohort.competition.models import PointsEntry
from cohort.core.exceptions import Conflict, InvalidInput, NotFound
from cohort.reviews.models import Submission
from cohort.reviews.selectors import (
    submission_get_for_viewer,
    submissions_pending_for_reviewer,
    submissions_visible_to,
)
from cohort.reviews.services import submission_create, submission_review, submission_update
from cohort.reviews.tests.factories import SubmissionFactory, pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def _draft(member, work) -> Submission:
    return submission_create(user=member, assignment_id=work.pk, text="rough", is_draft=True)


def test_a_draft_is_unseen_by_mentors_and_organisers(member, mentor, first_work):
    draft = _draft(member, first_work)
    assert draft.status == Submission.Status.DRAFT
    organiser = StaffFactory(role=User.Role.ORGANISER)
    for reviewer in (mentor, organiser):
        assert not submissions_visible_to(reviewer).filter(pk=draft.pk).exists()
        assert submissions_pending_for_reviewer(reviewer) == []
        with pytest.raises(NotFound):
            submission_get_for_viewer(reviewer, draft.pk)
        with pytest.raises(NotFound):
            submission_review(
                reviewer=reviewer, submission_id=draft.pk, decision="approved", feedback=""
            )
    assert submission_get_for_viewer(member, draft.pk) == draft


def test_an_empty_draft_is_allowed_but_handing_in_needs_something(member, first_work):
    draft = submission_create(user=member, assignment_id=first_work.pk, text="", is_draft=True)
    with pytest.raises(InvalidInput):
        submission_update(user=member, submission_id=draft.pk, text="", is_draft=False)
    assert Submission.objects.get(pk=draft.pk).status == Submission.Status.DRAFT


def test_edit_a_draft_then_hand_it_in(member, mentor, first_work, media_root):
    draft = _draft(member, first_work)
    submission_update(
        user=member, submission_id=draft.pk, text="better", files=[pdf_upload()], is_draft=True
    )
    submission_update(
        user=member, submission_id=draft.pk, text="best", files=[png_upload()], is_draft=False
    )
    handed_in = Submission.objects.get(pk=draft.pk)
    assert (handed_in.status, handed_in.text) == (Submission.Status.PENDING, "best")
    assert handed_in.files.count() == 2
    assert [s.pk for s in submissions_pending_for_reviewer(mentor)] == [draft.pk]
    with pytest.raises(Conflict, match="Only a draft"):
        submission_update(user=member, submission_id=draft.pk, text="again")


def test_the_file_count_includes_the_drafts_stored_files(member, first_work, settings):
    settings.SUBMISSION_MAX_FILES = 2
    draft = _draft(member, first_work)
    submission_update(user=member, submission_id=draft.pk, text="x", files=[pdf_upload()])
    with pytest.raises(InvalidInput, match="At most 2"):
        submission_update(
            user=member, submission_id=draft.pk, text="x", files=[pdf_upload(), png_upload()]
        )


def test_only_one_draft_per_assignment_and_no_new_one_beside_it(member, first_work):
    _draft(member, first_work)
    with pytest.raises(Conflict, match="draft"):
        submission_create(user=member, assignment_id=first_work.pk, text="x")


def test_another_members_draft_is_404(member, first_work):
    draft = _draft(member, first_work)
    with pytest.raises(NotFound):
        submission_update(user=MemberFactory(group=member.group), submission_id=draft.pk, text="x")


def test_rejecting_needs_a_comment(member, mentor, first_work):
    pending = SubmissionFactory(user=member, assignment=first_work)
    for decision in ("rejected", "changes"):
        with pytest.raises(InvalidInput, match="feedback"):
            submission_review(
                reviewer=mentor, submission_id=pending.pk, decision=decision, feedback="  "
            )
    rejected = submission_review(
        reviewer=mentor, submission_id=pending.pk, decision="rejected", feedback="Off topic"
    )
    assert (rejected.status, rejected.feedback) == (Submission.Status.REJECTED, "Off topic")
    assert not PointsEntry.objects.exists()


@pytest.mark.parametrize("first_decision", ["changes", "rejected"])
def test_resubmission_is_a_new_row_and_points_award_once(
    member, mentor, first_work, first_decision
):
    first = submission_create(user=member, assignment_id=first_work.pk, text="v1")
    submission_review(
        reviewer=mentor, submission_id=first.pk, decision=first_decision, feedback="Redo"
    )
    second = submission_create(user=member, assignment_id=first_work.pk, text="v2")
    assert second.pk != first.pk and second.status == Submission.Status.PENDING
    submission_review(reviewer=mentor, submission_id=second.pk, decision="approved", feedback="")
    # An approval that slipped past the service (say, an old approved row) awards nothing more.
    extra = SubmissionFactory(user=member, assignment=first_work)
    submission_review(reviewer=mentor, submission_id=extra.pk, decision="approved", feedback="")
    entry = PointsEntry.objects.get()
    assert entry.points == first_work.points
    with pytest.raises(Conflict, match="already approved"):
        submission_create(user=member, assignment_id=first_work.pk, text="v3")
