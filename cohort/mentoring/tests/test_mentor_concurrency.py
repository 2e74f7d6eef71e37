"""Two bulk approvals of overlapping submissions at once (two mentors of one group, each on
their own PostgreSQL connection): every submission is decided once and awarded once."""

import pytest

from cohort.accounts.tests.factories import MemberFactory
from cohort.competition.models import PointsEntry
from cohort.core.testing import race
from cohort.mentoring.tests.factories import Programme
from cohort.ops.models import AuditEvent
from cohort.reviews.models import Submission
from cohort.reviews.services import submissions_review_bulk
from cohort.reviews.tests.factories import mentor_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_bulk_approvals_racing_award_each_submission_once(postgres_only):
    programme = Programme(members_per_group=0)
    second_mentor = mentor_of(programme.mine)
    members = [MemberFactory(group=programme.mine) for _ in range(6)]
    submissions = [programme.pending(m) for m in members]
    ids = [s.pk for s in submissions]
    reviewers = [programme.mentor, second_mentor]

    results, errors = race(
        # One goes forwards, the other backwards, so they meet in the middle.
        lambda n: submissions_review_bulk(
            reviewer=reviewers[n], ids=ids if n == 0 else ids[::-1], decision="approved"
        ),
        2,
    )

    assert errors == []
    outcomes = [o for result in results for o in result]
    assert sorted(o.id for o in outcomes if o.is_ok) == sorted(ids)
    assert {o.status_code for o in outcomes if not o.is_ok} <= {409}
    assert len(outcomes) == 2 * len(ids)
    assert Submission.objects.filter(pk__in=ids, status="approved").count() == len(ids)
    assert sorted(PointsEntry.objects.values_list("user_id", flat=True)) == sorted(
        m.pk for m in members
    )
    reviewed = AuditEvent.objects.filter(action=AuditEvent.Action.SUBMISSION_REVIEWED)
    assert reviewed.count() == len(ids)
