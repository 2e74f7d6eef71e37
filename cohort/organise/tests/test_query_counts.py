"""Each console page costs the same number of queries for a small programme and a ten times
bigger one (the overview's figures computed afresh: the cache is cleared first)."""

import datetime as dt

import pytest
from django.core.cache import cache

from cohort.accounts.tests.factories import GroupFactory, MemberFactory, mentor_of
from cohort.analytics.services import COMPUTED_KEY
from cohort.competition.models import Season
from cohort.competition.tests.factories import SeasonFactory
from cohort.core.clock import programme_today
from cohort.ops.services import audit_record
from cohort.organise.tests.conftest import session_queries

pytestmark = pytest.mark.django_db


def _programme(size: int, console):
    for n in range(size):
        group = GroupFactory(division=console.north)
        member = MemberFactory(group=group)
        mentor_of(group)
        console.programme.pending(member)
        audit_record(action="sign_in", actor=member)
        starts = dt.date(2030, 1, 1) + dt.timedelta(days=40 * n)
        SeasonFactory(
            status=Season.Status.FINALISED, starts_on=starts, ends_on=starts + dt.timedelta(35)
        )


# Per page, beyond the session (read from the cache with Redis, from the database without)
# and the viewer's row: what each query reads.
EXPECTED = {
    # the 5 figures' queries (members, quiet by group, their names, flags, submissions), the
    # season, 2 job states
    "/organise/": 1 + 5 + 1 + 2,
    # the seasons with their counts
    "/organise/seasons/": 1 + 1,
    # the groups in reach and the active mentors (the form); the mentors, their groups, the
    # pending submissions and flagged days by group (the load)
    "/organise/mentors/": 1 + 2 + 4,
    # the events with their actors
    "/organise/audit/": 1 + 1,
    # the recompute's last finish (then cached), the 2 job states
    "/organise/analytics/": 1 + 1 + 2,
}


@pytest.mark.parametrize("url", list(EXPECTED))
@pytest.mark.parametrize("size", [2, 20])
def test_the_same_queries_whatever_the_size(console, as_user, url, size, django_assert_num_queries):
    _programme(size, console)
    client = as_user(console.organiser)
    client.get(url)
    cache.delete(f"organise:overview:v1:None:{programme_today().isoformat()}")
    cache.delete(COMPUTED_KEY)
    with django_assert_num_queries(session_queries() + EXPECTED[url]):
        assert client.get(url).status_code == 200
