"""The enrollment indexes serve the reads they were made for (measured in
docs/performance.md): everyone on a path by distance, then user (the dashboard's order and
its keyset), read from the index in order, with no sort of the whole path."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from cohort.accounts.tests.factories import MemberFactory
from cohort.journeys.models import Enrollment
from cohort.journeys.tests.factories import path_create

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    if connection.vendor == "postgresql":
        # A handful of rows: make the planner show what it would do at 100,000.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
    return queryset.explain()  # SQLite: EXPLAIN QUERY PLAN


@pytest.fixture
def path():
    path = path_create()
    for number, member in enumerate(MemberFactory.create_batch(5)):
        Enrollment.objects.update_or_create(  # enrolled at 0 when they joined
            user=member,
            path=path,
            defaults={"started_on": dt.date(2026, 1, 1), "distance": Decimal(number % 2)},
        )
    return path


def test_everyone_by_distance_reads_the_index_in_order(path):
    plan = _plan(Enrollment.objects.filter(path=path).order_by("-distance", "user_id")[:51])

    assert "enrollment_path_distance" in plan
    if connection.vendor == "postgresql":
        assert "Sort" not in plan
    else:
        assert "TEMP B-TREE" not in plan


def test_lookups_by_user_use_the_unique_user_path_index(path):
    member = Enrollment.objects.filter(path=path).first().user

    plan = _plan(Enrollment.objects.filter(user=member))

    # The unique constraint's index (SQLite names it sqlite_autoindex_...), not a
    # single-column one beside it that every write would also have to update.
    assert "one_enrollment_per_path" in plan or "autoindex_journeys_enrollment" in plan
    assert "journeys_enrollment_user_id" not in plan
