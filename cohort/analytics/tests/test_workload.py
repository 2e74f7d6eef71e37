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
        (20, 15, "balanced"),  # one full group (MAX_GROUP_MEMBERS) is a normal load
        (21, 0, "overloaded"),
        (20, 16, "overloaded"),
        (15, 16, "overloaded"),
        (9, 16, "overloaded"),
    ],
)
def test_band_edges(students, pending, band):
    assert workload_band(students=students, pending=pending) == band


def test_a_mentor_of_one_full_group_is_not_overloaded():
    from cohort.accounts.models import MAX_GROUP_MEMBERS

    assert workload_band(students=MAX_GROUP_MEMBERS, pending=0) == "balanced"


@pytest.mark.django_db
def test_the_analytics_page_states_the_bands_it_uses(client):
    from cohort.accounts.models import MAX_GROUP_MEMBERS
    from cohort.accounts.tests.factories import StaffFactory
    from cohort.analytics.services import analytics_recompute

    full = GroupFactory()
    for _ in range(MAX_GROUP_MEMBERS):
        MemberFactory(group=full)
    mentor = mentor_of(full)
    analytics_recompute()
    client.force_login(StaffFactory())
    page = client.get("/analytics/").content.decode()
    row = page[page.index(mentor.display_name) :].split("</tr>")[0]
    assert f">{MAX_GROUP_MEMBERS}<" in row and "balanced" in row and "overloaded" not in row
    assert "Balanced: up to 20 students and 15 pending reviews" in page


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
