import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from cohort.accounts.models import User
from cohort.accounts.tests.factories import MemberFactory, StaffFactory
from cohort.competition.models import Season
from cohort.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied, TooLarge
from cohort.reviews.models import Submission, SubmissionFile
from cohort.reviews.services import submission_create
from cohort.reviews.tests.factories import (
    AssignmentFactory,
    SubmissionFactory,
    episode_of,
    pdf_bytes,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def test_a_member_hands_in_text_and_it_awaits_review(member, first_work):
    submission = submission_create(user=member, assignment_id=first_work.pk, text="  Done it  ")
    submission.refresh_from_db()
    assert (submission.user, submission.assignment) == (member, first_work)
    assert submission.status == Submission.Status.PENDING
    assert submission.text == "Done it"
    assert submission.reviewer is None


def test_the_file_is_stored_through_the_default_storage(member, first_work, media_root):
    submission = submission_create(
        user=member, assignment_id=first_work.pk, text="", file=pdf_upload("cv.pdf")
    )
    stored = SubmissionFile.objects.get(submission=submission)
    name = stored.file.name
    assert name.startswith("submissions/") and name.endswith(".pdf")
    assert (stored.original_name, stored.size) == ("cv.pdf", len(pdf_bytes()))
    assert stored.content_type == "application/pdf"
    assert default_storage.exists(name)
    assert (media_root / name).is_file()
    with default_storage.open(name) as handle:
        assert handle.read() == pdf_bytes()


def test_a_file_over_the_limit_is_413_and_nothing_is_stored(member, first_work, settings):
    settings.SUBMISSION_MAX_BYTES = 10
    upload = SimpleUploadedFile("big.txt", b"x" * 11)
    with pytest.raises(TooLarge) as caught:
        submission_create(user=member, assignment_id=first_work.pk, text="", file=upload)
    assert caught.value.status_code == 413
    assert not Submission.objects.exists()


@pytest.mark.parametrize("text", ["", "   "])
def test_needs_text_or_a_file(member, first_work, text):
    with pytest.raises(InvalidInput):
        submission_create(user=member, assignment_id=first_work.pk, text=text)
    empty = SimpleUploadedFile("empty.txt", b"")
    with pytest.raises(InvalidInput):
        submission_create(user=member, assignment_id=first_work.pk, text=text, file=empty)


@pytest.mark.parametrize("role", [User.Role.MENTOR, User.Role.COORDINATOR, User.Role.ORGANISER])
def test_only_members_hand_in_work(first_work, role):
    with pytest.raises(PermissionDenied):
        submission_create(user=StaffFactory(role=role), assignment_id=first_work.pk, text="x")


def test_an_unknown_assignment_is_404(member):
    with pytest.raises(NotFound):
        submission_create(user=member, assignment_id=987654, text="x")


def test_a_closed_assignment_is_409(member, first_work):
    first_work.is_open = False
    first_work.save()
    with pytest.raises(Conflict, match="no longer takes submissions"):
        submission_create(user=member, assignment_id=first_work.pk, text="x")


def test_work_of_a_locked_episode_is_409(member, season, first_work):
    second = AssignmentFactory(episode=episode_of(season, 2))
    with pytest.raises(Conflict, match="unlock"):
        submission_create(user=member, assignment_id=second.pk, text="x")
    SubmissionFactory(user=member, assignment=first_work, status=Submission.Status.APPROVED)
    assert submission_create(user=member, assignment_id=second.pk, text="x").pk


def test_work_of_a_finalised_season_is_409(member, season, first_work):
    Season.objects.filter(pk=season.pk).update(status=Season.Status.FINALISED)
    with pytest.raises(Conflict, match="finalised"):
        submission_create(user=member, assignment_id=first_work.pk, text="x")


def test_work_outside_any_episode_is_always_open(member):
    loose = AssignmentFactory(episode=None)
    assert submission_create(user=member, assignment_id=loose.pk, text="x").pk


def test_one_pending_at_a_time_and_nothing_after_approval(member, first_work):
    submission_create(user=member, assignment_id=first_work.pk, text="first")
    with pytest.raises(Conflict, match="awaits review"):
        submission_create(user=member, assignment_id=first_work.pk, text="again")
    Submission.objects.update(status=Submission.Status.APPROVED)
    with pytest.raises(Conflict, match="already approved"):
        submission_create(user=member, assignment_id=first_work.pk, text="again")


def test_after_changes_are_requested_the_member_resubmits(member, first_work):
    SubmissionFactory(
        user=member, assignment=first_work, status=Submission.Status.CHANGES_REQUESTED
    )
    again = submission_create(user=member, assignment_id=first_work.pk, text="better")
    assert again.status == Submission.Status.PENDING
    assert Submission.objects.filter(user=member).count() == 2


def test_another_members_pending_work_does_not_block(member, first_work):
    SubmissionFactory(user=MemberFactory(group=member.group), assignment=first_work)
    assert submission_create(user=member, assignment_id=first_work.pk, text="mine").pk
