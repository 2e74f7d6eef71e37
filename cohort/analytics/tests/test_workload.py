import datetime as dt

import pytest
from django.utils import timezone

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.analytics.summaries import mentor_workload_figures, workload_band
from cohort.reviews.models import Submission
from cohort.reviews.tests.factories import SubmissionFactory, mentor_of


@pytest.mark.parametrize(
    ("students", "pending", "band"),
    [
        (0, 0, "light"),
        (8, 40, "light"),  # light is about students alone
        (9, 0, "balanced"),
        (15, 15, "balanced"),
        (16, 0, "overloaded"),
        (15, 16, "overloaded"),
        (9, 16, "overloaded"),
    ],
)
def test_band_edges(students, pending, band):
    assert workload_band(students=students, pending=pending) == band


@pytest.mark.django_db
def test_students_pending_and_median_time_to_review():
    group = GroupFactory()
    members = [MemberFactory(group=group) for _ in range(9)]
    MemberFactory(group=group, is_active=False)
    mentor = mentor_of(group)
    now = timezone.now()
    for hours, reviewed_days_ago in ((1, 0), (3, 2), (10, 29), (50, 31)):  # the last is too old
        submission = SubmissionFactory(user=members[0], status="approved", reviewer=mentor)
        reviewed_at = now - dt.timedelta(days=reviewed_days_ago)
        Submission.objects.filter(pk=submission.pk).update(
            created_at=reviewed_at - dt.timedelta(hours=hours), reviewed_at=reviewed_at
        )
    SubmissionFactory(user=members[1])  # pending
    SubmissionFactory(user=members[2])  # pending

    figures = mentor_workload_figures()[(mentor.pk,)]

    assert figures == {
        "students": 9,
        "pending_reviews": 2,
        "median_review_seconds": 3 * 3600,
        "band": "balanced",
    }
