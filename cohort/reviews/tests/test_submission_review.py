import datetime as dt

import pytest
from django.utils import timezone

from cohort.accounts.models import User
from cohort.accounts.tests.factories import (
    DivisionFactory,
    GroupFactory,
    MemberFactory,
    StaffFactory,
)
from cohort.competition.models import PointsEntry, Season
from cohort.competition.selectors.seasons import member_points
from cohort.competition.tests.factories import SeasonFactory
from cohort.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from cohort.notifications.models import Notification
from cohort.ops.models import AuditEvent
from cohort.reviews.models import Submission
from cohort.reviews.selectors import submissions_pending_for_reviewer
from cohort.reviews.services import submission_create, submission_review
from cohort.reviews.tests.factories import (
    AssignmentFactory,
    SubmissionFactory,
    episode_of,
    mentor_of,
)

pytestmark = pytest.mark.django_db

APPROVED, CHANGES = Submission.Status.APPROVED, Submission.Status.CHANGES_REQUESTED


@pytest.fixture
def pending(member, first_work):
    return submission_create(user=member, assignment_id=first_work.pk, text="my work")


def _approve(reviewer, submission, feedback=""):
    return submission_review(
        reviewer=reviewer, submission_id=submission.pk, decision=APPROVED, feedback=feedback
    )


def test_a_mentor_approves_and_the_member_earns_the_points(mentor, member, pending, season):
    decided = _approve(mentor, pending, "Nice")
    pending.refresh_from_db()
    assert (pending.status, pending.reviewer, pending.feedback) == (APPROVED, mentor, "Nice")
    assert pending.reviewed_at is not None
    assert decided.status == APPROVED
    entry = PointsEntry.objects.get()
    assert (entry.user, entry.season, entry.points) == (member, season, 30)
    assert entry.source == f"work:{pending.assignment_id}:{member.pk}"
    assert member_points(user_id=member.pk, season=season)[0] == 30


def test_the_member_is_notified_and_the_review_audited(mentor, member, pending):
    _approve(mentor, pending)
    notice = Notification.objects.get(recipient=member)
    assert "approved" in notice.text and notice.link == "/submissions/"
    event = AuditEvent.objects.get(action=AuditEvent.Action.SUBMISSION_REVIEWED)
    assert (event.actor, event.target_id, event.detail["decision"]) == (
        mentor,
        pending.pk,
        APPROVED,
    )


def test_changes_need_feedback_and_award_nothing(mentor, member, pending):
    with pytest.raises(InvalidInput):
        submission_review(reviewer=mentor, submission_id=pending.pk, decision=CHANGES, feedback=" ")
    submission_review(
        reviewer=mentor, submission_id=pending.pk, decision=CHANGES, feedback="Add a summary"
    )
    pending.refresh_from_db()
    assert (pending.status, pending.feedback) == (CHANGES, "Add a summary")
    assert not PointsEntry.objects.exists()
    assert "Add a summary" in Notification.objects.get(recipient=member).text


@pytest.mark.parametrize("decision", ["draft", "pending", "", "APPROVED"])
def test_an_unknown_decision_is_422(mentor, pending, decision):
    with pytest.raises(InvalidInput):
        submission_review(
            reviewer=mentor, submission_id=pending.pk, decision=decision, feedback="x"
        )


def test_a_decided_submission_is_409(mentor, pending):
    _approve(mentor, pending)
    with pytest.raises(Conflict):
        _approve(mentor, pending)
    with pytest.raises(Conflict):
        submission_review(reviewer=mentor, submission_id=pending.pk, decision=CHANGES, feedback="x")
    assert PointsEntry.objects.count() == 1


def test_no_member_can_review_not_even_a_group_mates_work(member, pending):
    mate = MemberFactory(group=member.group)
    for reviewer in (mate, member):
        with pytest.raises(PermissionDenied):
            _approve(reviewer, pending)
    assert Submission.objects.get(pk=pending.pk).status == Submission.Status.PENDING


def test_a_mentor_who_is_also_in_the_group_cannot_approve_their_own(group, first_work):
    mentor_member = MemberFactory(role=User.Role.MENTOR, group=group)
    group.mentors.add(mentor_member)
    own = SubmissionFactory(user=mentor_member, assignment=first_work)
    with pytest.raises(PermissionDenied):
        _approve(mentor_member, own)
    assert not PointsEntry.objects.exists()


def test_a_mentor_of_another_group_gets_404(pending):
    stranger = mentor_of(GroupFactory())
    with pytest.raises(NotFound):
        _approve(stranger, pending)


def test_the_divisions_coordinator_reviews_but_not_anothers(group, pending):
    group.division = DivisionFactory()
    group.save()
    other = StaffFactory(role=User.Role.COORDINATOR, division=DivisionFactory())
    with pytest.raises(NotFound):
        _approve(other, pending)
    coordinator = StaffFactory(role=User.Role.COORDINATOR, division=group.division)
    assert _approve(coordinator, pending).status == APPROVED


def test_an_organiser_reviews_anyones(pending):
    assert _approve(StaffFactory(), pending).status == APPROVED


def test_a_resubmission_approved_again_never_awards_twice(mentor, member, pending, season):
    submission_review(reviewer=mentor, submission_id=pending.pk, decision=CHANGES, feedback="More")
    again = submission_create(user=member, assignment_id=pending.assignment_id, text="more")
    _approve(mentor, again)
    stray = SubmissionFactory(user=member, assignment=pending.assignment)  # past the service
    _approve(mentor, stray)
    assert PointsEntry.objects.count() == 1
    assert member_points(user_id=member.pk, season=season)[0] == 30


def test_approvals_count_up_to_the_category_cap(mentor, member, season, category):
    works = [
        AssignmentFactory(episode=episode_of(season, 1), category=category, points=80)
        for _ in range(2)
    ]
    for work in works:
        _approve(mentor, SubmissionFactory(user=member, assignment=work))
    score, categories = member_points(user_id=member.pk, season=season)
    assert score == 100
    assert next(c for c in categories if c.category == category).points == 160


def test_work_outside_episodes_earns_in_todays_season(mentor, member, category):
    today = timezone.localdate()
    season = SeasonFactory(
        starts_on=today - dt.timedelta(days=40), ends_on=today + dt.timedelta(days=40)
    )
    loose = AssignmentFactory(episode=None, category=category, points=15)
    _approve(mentor, SubmissionFactory(user=member, assignment=loose))
    assert PointsEntry.objects.get().season == season


def test_work_outside_episodes_with_no_season_is_409_and_stays_pending(mentor, member):
    loose = AssignmentFactory(episode=None)
    submission = SubmissionFactory(user=member, assignment=loose)
    with pytest.raises(Conflict, match="No season"):
        _approve(mentor, submission)
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.PENDING


def test_approval_in_a_finalised_season_rolls_back(mentor, pending, season):
    Season.objects.filter(pk=season.pk).update(status=Season.Status.FINALISED)
    with pytest.raises(Conflict, match="finalised"):
        _approve(mentor, pending)
    assert Submission.objects.get(pk=pending.pk).status == Submission.Status.PENDING
    assert not Notification.objects.exists()


def test_the_reviewers_queue_holds_only_their_groups_pending_work_oldest_first(
    group, member, mentor, first_work
):
    mine = [SubmissionFactory(user=member, assignment=first_work) for _ in range(3)]
    SubmissionFactory(user=member, assignment=first_work, status=APPROVED)
    SubmissionFactory(user=MemberFactory(), assignment=first_work)  # another group's
    queue = submissions_pending_for_reviewer(mentor)
    assert queue == mine
    assert submissions_pending_for_reviewer(mentor, after_id=mine[0].pk, limit=1) == [mine[1]]
    assert submissions_pending_for_reviewer(member) == []
    assert len(submissions_pending_for_reviewer(StaffFactory())) == 4


def test_the_queue_is_one_query_for_2_or_20(mentor, member, first_work, django_assert_num_queries):
    for count in (2, 20):
        SubmissionFactory.create_batch(count, user=member, assignment=first_work)
        # the page of pending submissions with member, reviewer, assignment and episode
        with django_assert_num_queries(1):
            rows = submissions_pending_for_reviewer(mentor)
            assert [(r.user.display_name, r.assignment.title) for r in rows]
