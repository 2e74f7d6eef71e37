import pytest

from cohort.accounts.tests.factories import MemberFactory
from cohort.competition.tests.factories import SeasonFactory
from cohort.reviews.models import Submission
from cohort.reviews.selectors import DONE, LOCKED, UNLOCKED, episode_states
from cohort.reviews.tests.factories import AssignmentFactory, SubmissionFactory, episode_of

pytestmark = pytest.mark.django_db

APPROVED = Submission.Status.APPROVED


def _states(member, season):
    return [s.state for s in episode_states(user_id=member.pk, season=season)]


def _approved(member, assignment):
    return SubmissionFactory(user=member, assignment=assignment, status=APPROVED)


def _required_in_each_episode(season, per_episode=1):
    return {
        n: [AssignmentFactory(episode=episode_of(season, n)) for _ in range(per_episode)]
        for n in range(1, 5)
    }


def test_only_the_first_episode_starts_unlocked(member, season):
    _required_in_each_episode(season)
    assert _states(member, season) == [UNLOCKED, LOCKED, LOCKED, LOCKED]


def test_episodes_unlock_in_order_as_required_work_is_approved(member, season):
    work = _required_in_each_episode(season, per_episode=2)
    _approved(member, work[1][0])
    assert _states(member, season) == [UNLOCKED, LOCKED, LOCKED, LOCKED]
    _approved(member, work[1][1])
    assert _states(member, season) == [DONE, UNLOCKED, LOCKED, LOCKED]
    for assignment in work[2]:
        _approved(member, assignment)
    assert _states(member, season) == [DONE, DONE, UNLOCKED, LOCKED]


def test_work_approved_ahead_does_not_skip_a_locked_episode(member, season):
    work = _required_in_each_episode(season)
    _approved(member, work[2][0])  # e.g. an organiser's fix-up, past the service
    assert _states(member, season) == [UNLOCKED, LOCKED, LOCKED, LOCKED]


def test_pending_or_sent_back_work_does_not_finish_an_episode(member, season):
    work = _required_in_each_episode(season)
    SubmissionFactory(user=member, assignment=work[1][0], status=Submission.Status.PENDING)
    assert _states(member, season)[0] == UNLOCKED
    first = episode_states(user_id=member.pk, season=season)[0]
    assert [(r.assignment, r.status) for r in first.required] == [(work[1][0], "pending")]


def test_the_latest_status_is_shown(member, season):
    work = _required_in_each_episode(season)
    SubmissionFactory(
        user=member, assignment=work[1][0], status=Submission.Status.CHANGES_REQUESTED
    )
    SubmissionFactory(user=member, assignment=work[1][0], status=Submission.Status.PENDING)
    first = episode_states(user_id=member.pk, season=season)[0]
    assert first.required[0].status == Submission.Status.PENDING


def test_optional_work_never_blocks_and_is_not_listed(member, season):
    AssignmentFactory(episode=episode_of(season, 1), is_required=False)
    required = AssignmentFactory(episode=episode_of(season, 1))
    _approved(member, required)
    states = episode_states(user_id=member.pk, season=season)
    assert states[0].state == DONE
    assert [r.assignment for r in states[0].required] == [required]


def test_an_episode_without_required_work_is_done_once_unlocked(member, season):
    """The product rule: nothing to hand in means nothing to wait for."""
    ep1 = AssignmentFactory(episode=episode_of(season, 1))
    AssignmentFactory(episode=episode_of(season, 3))
    assert _states(member, season) == [UNLOCKED, LOCKED, LOCKED, LOCKED]
    _approved(member, ep1)
    assert _states(member, season) == [DONE, DONE, UNLOCKED, LOCKED]


def test_a_season_without_any_required_work_is_all_done(member, season):
    assert _states(member, season) == [DONE, DONE, DONE, DONE]


def test_other_members_and_other_seasons_do_not_count(member, season):
    work = _required_in_each_episode(season)
    _approved(MemberFactory(group=member.group), work[1][0])
    other_season = SeasonFactory(
        starts_on=season.starts_on.replace(year=season.starts_on.year - 1), status="finalised"
    )
    _approved(member, AssignmentFactory(episode=episode_of(other_season, 1)))
    assert _states(member, season) == [UNLOCKED, LOCKED, LOCKED, LOCKED]


@pytest.mark.parametrize("per_episode", [1, 6])
def test_three_queries_whatever_the_number_of_assignments(
    member, season, django_assert_num_queries, per_episode
):
    work = _required_in_each_episode(season, per_episode=per_episode)
    for assignment in work[1] + work[2]:
        _approved(member, assignment)
    # 1. the season's episodes; 2. their required assignments with categories;
    # 3. the member's submissions of the season's assignments
    with django_assert_num_queries(3):
        states = episode_states(user_id=member.pk, season=season)
        assert [len(s.required) for s in states] == [per_episode] * 4
        assert [s.required[0].assignment.category.name for s in states]


def test_the_cached_episodes_follow_a_new_required_assignment_and_a_renamed_episode(
    django_capture_on_commit_callbacks,
):
    season, member = SeasonFactory(), MemberFactory()
    assert [s.required for s in episode_states(user_id=member.pk, season=season)][0] == []
    first = episode_of(season, 1)
    with django_capture_on_commit_callbacks(execute=True):
        work = AssignmentFactory(episode=first, title="Essay")
        first.name = "Renamed"
        first.save()

    states = episode_states(user_id=member.pk, season=season)

    assert states[0].episode.name == "Renamed"
    assert [w.assignment.pk for w in states[0].required] == [work.pk]
