"""/report/: linked from the navigation, laid out for reading and printing (a print button),
counting only handed-in work, and showing the points that count (capped as the season score
caps them) with the raw sum beside them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.accounts.tests.factories import MemberFactory
from cohort.competition.models import PointsEntry
from cohort.competition.tests.factories import CategoryFactory, SeasonFactory
from cohort.mentoring.reports import member_report, report_csv, report_month_parse
from cohort.reviews.models import Submission
from cohort.reviews.tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def _earn(member, season, category, points, n=[0]):  # noqa: B006 - a counter for unique keys
    n[0] += 1
    PointsEntry.objects.create(
        user=member,
        season=season,
        category=category,
        points=points,
        reason="test",
        source=f"test:{n[0]}",
        source_key=f"test:{n[0]}#0",
    )


@pytest.fixture
def earner():
    """This month: walking 250 over its cap of 200, coding 150 under its 500; the season's
    cap of 300 then holds the 350 that count to 300. Raw: 400."""
    member = MemberFactory()
    season = SeasonFactory(point_cap=300)
    walking = CategoryFactory(name="Walking", season_cap=200, order=1)
    coding = CategoryFactory(name="Coding", season_cap=500, order=2)
    _earn(member, season, walking, 150)
    _earn(member, season, walking, 100)
    _earn(member, season, coding, 150)
    return member


def test_the_report_counts_capped_points_and_keeps_the_raw_sum(earner):
    report = member_report(viewer=earner, user_id=None, month=report_month_parse(None))
    (row,) = report.rows
    assert [(c.name, p) for c, p in row.points] == [("Walking", 250), ("Coding", 150)]
    assert [(c.name, p) for c, p in row.points_counted] == [("Walking", 200), ("Coding", 150)]
    assert row.points_total == 400
    assert row.points_counted_total == 300


def test_the_page_shows_counted_points_with_the_raw_sum_and_says_why(client, earner):
    client.force_login(earner)
    page = client.get("/report/").content.decode()
    assert re.search(r'data-testid="points">\s*300\s*<', page)
    assert re.search(r'data-testid="points-raw">\s*400\s*<', page)
    assert "capped" in page.lower() and "season" in page.lower()
    assert "2,185" not in page


def test_the_csv_has_the_counted_total_beside_the_raw_one(earner):
    report = member_report(viewer=earner, user_id=None, month=report_month_parse(None))
    header, line = report_csv(report).splitlines()[:2]
    got = dict(zip(header.split(","), line.split(","), strict=True))
    assert (got["points_total"], got["points_counted"]) == ("400", "300")


def test_drafts_are_not_handed_in(client):
    member = MemberFactory()
    SubmissionFactory(user=member, status=Submission.Status.DRAFT)
    SubmissionFactory(user=member, status=Submission.Status.PENDING)
    SubmissionFactory(user=member, status=Submission.Status.APPROVED)

    report = member_report(viewer=member, user_id=None, month=report_month_parse(None))
    (row,) = report.rows
    assert row.submitted == 2
    assert "draft" not in row.submissions
    assert "submissions_draft" not in report_csv(report).splitlines()[0]
    client.force_login(member)
    page = client.get("/report/").content.decode()
    assert re.search(r'data-testid="handed-in">\s*2\s*<', page)
    assert "Draft" not in page


def test_members_find_their_report_in_the_navigation(client):
    client.force_login(MemberFactory())
    assert 'href="/report/"' in client.get("/").content.decode()


def test_the_report_has_a_print_button_and_print_styles(client):
    client.force_login(MemberFactory())
    page = client.get("/report/").content.decode()
    assert re.search(r"<button[^>]*data-print[^>]*>Print</button>", page)
    assert re.search(r'<script src="/static/js/print\.js[^"]*" defer>', page)
    assert 'media="print"' in page


def test_the_report_is_not_one_wide_row(client, earner):
    """Thirteen columns in one row did not fit at 1280 px: each part is its own block."""
    client.force_login(earner)
    page = client.get("/report/").content.decode()
    widest = max(len(re.findall(r"<th\b", head)) for head in re.findall(r"<tr>.*?</tr>", page))
    assert widest <= 6


def test_the_report_page_still_costs_a_fixed_number_of_queries(client, earner):
    client.force_login(earner)
    client.get("/report/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/report/")
    cost = len(queries)
    SubmissionFactory(user=earner, status=Submission.Status.PENDING)
    with CaptureQueriesContext(connection) as queries:
        client.get("/report/")
    assert len(queries) == cost
