"""/analytics/: who may see it, what a coordinator sees, both sources agree, fixed queries."""

import pytest
from django.urls import reverse

from cohort.accounts.models import User
from cohort.accounts.tests.factories import (
    DivisionFactory,
    GroupFactory,
    MemberFactory,
    StaffFactory,
)
from cohort.analytics.models import DailyGroupSummary
from cohort.analytics.selectors import analytics_page_get
from cohort.analytics.services import analytics_recompute
from cohort.analytics.tests.factories import day, log, world

pytestmark = pytest.mark.django_db


URL = reverse("analytics:home")


def test_members_and_mentors_are_refused(signed_in):
    assert signed_in(MemberFactory()).get(URL).status_code == 403
    mentor = StaffFactory(role=User.Role.MENTOR)
    assert signed_in(mentor).get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_organiser_sees_every_chart_with_title_and_table(signed_in):
    world(groups=2)
    analytics_recompute()
    response = signed_in(StaffFactory()).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    for slug in ("steps", "progress", "groups", "points"):
        assert f'data-testid="chart-{slug}"' in html
        assert f'<title id="chart-{slug}-title">' in html
    assert html.count("<table") >= 6  # a table per chart, submissions, workload
    assert 'href="/analytics/"' in html  # the nav link


def test_coordinator_sees_only_their_division():
    division, elsewhere = DivisionFactory(), DivisionFactory()
    mine = world(groups=1, division=division)
    outside = GroupFactory(division=elsewhere, name="Outside")
    log(MemberFactory(group=outside), 0, 99_999)
    analytics_recompute()
    coordinator = StaffFactory(role=User.Role.COORDINATOR, division=division)

    page = analytics_page_get(viewer=coordinator)

    ((group, _),) = mine["groups"]
    assert [name for name, _ in page.top_groups] == [group.name]
    assert page.days[-1].total_steps == 1000 + 2000 + 3000
    assert len(page.workloads) == 1
    organiser_page = analytics_page_get(viewer=StaffFactory())
    assert organiser_page.days[-1].total_steps == 6000 + 99_999


@pytest.mark.parametrize("role", [User.Role.ORGANISER, User.Role.COORDINATOR])
def test_summary_and_raw_tables_give_the_same_answers(settings, role):
    division = DivisionFactory()
    world(groups=3, division=division)
    analytics_recompute()
    viewer = StaffFactory(role=role, division=division)

    settings.USE_ANALYTICS_SUMMARY = True
    from_summaries = analytics_page_get(viewer=viewer)
    settings.USE_ANALYTICS_SUMMARY = False
    from_raw = analytics_page_get(viewer=viewer)

    assert from_summaries == from_raw
    assert from_summaries.days[-1].total_steps == sum(
        1000 * i + g for g in range(3) for i in (1, 2, 3)
    )
    assert [n for _, n in from_summaries.progress] == [3, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3]
    assert from_summaries.categories == [("Walking", 180, 9)]


# Both sources: the viewer, the current path, the latest season, steps per day, top groups,
# progress buckets, points by category, submissions by status; then the mentor workload:
# one query from the summary, or (raw) mentors, their students, pending reviews, review times.
QUERIES = {True: 8 + 1, False: 8 + 4}


@pytest.mark.parametrize("flag", [True, False])
@pytest.mark.parametrize("groups", [2, 20])
def test_query_count_same_for_2_and_20_groups(
    signed_in, settings, django_assert_num_queries, flag, groups
):
    settings.USE_ANALYTICS_SUMMARY = flag
    world(groups=groups)
    analytics_recompute()
    client = signed_in(StaffFactory())
    client.get(URL)  # the first visit refreshes today's rows; later ones only read
    # (+1 for the session when sessions live in the database: SQLite without Redis)
    with django_assert_num_queries(QUERIES[flag] + settings.SESSION_ENGINE.endswith(".db")):
        assert client.get(URL).status_code == 200


def test_stale_today_rows_are_refreshed_by_the_page(signed_in):
    made = world(groups=1)
    ((group, members),) = made["groups"]
    analytics_recompute()
    log(members[0], 2, 1234)  # a write the summaries have not seen
    DailyGroupSummary.objects.filter(group=group).delete()

    signed_in(StaffFactory()).get(URL)

    assert DailyGroupSummary.objects.filter(group=group, date=day(0)).exists()
    assert not DailyGroupSummary.objects.filter(date=day(2)).exists()  # only recent days


def test_an_inactive_organiser_is_refused_analytics():
    """analytics_viewer_require asked only for the role, and visible_groups then gave an
    inactive organiser every group."""
    from cohort.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        analytics_page_get(viewer=StaffFactory(is_active=False))
