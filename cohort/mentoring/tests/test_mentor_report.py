"""Monthly reports checked against raw rows made here, the expected figures computed from
those rows in the test rather than by the report's own queries."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.accounts.models import User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.activity.models import DailyActivity, Streak
from cohort.competition.models import PointsEntry
from cohort.competition.tests.factories import CategoryFactory
from cohort.core.clock import programme_today
from cohort.mentoring.tests.factories import Programme, staff
from cohort.reviews.models import Submission
from cohort.reviews.tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def _month_before(first: dt.date) -> dt.date:
    return (first - dt.timedelta(days=1)).replace(day=1)


MONTH = _month_before(programme_today().replace(day=1))  # last month: a past month
BEFORE = _month_before(MONTH)
AFTER = programme_today().replace(day=1)


def _at(day: dt.date) -> dt.datetime:
    """Noon of `day` in the programme's time zone."""
    zone = zoneinfo.ZoneInfo(settings.PROGRAMME_TIME_ZONE)
    return dt.datetime.combine(day, dt.time(12), tzinfo=zone)


class Raw:
    """Rows for two of the mentor's students and one of another group, inside and around
    MONTH, kept as plain tuples to compute the expected report from."""

    def __init__(self):
        self.programme = Programme(members_per_group=0)
        self.outreach = CategoryFactory(name="Outreach", season_cap=200)
        self.ana, self.ben = (MemberFactory(group=self.programme.mine) for _ in range(2))
        self.outsider = MemberFactory(group=self.programme.theirs)
        self.days = [  # user, date, steps, review
            (self.ana, MONTH.replace(day=1), 1000, ""),
            (self.ana, MONTH.replace(day=2), 2500, ""),
            (self.ana, MONTH.replace(day=20), 3000, "confirmed"),
            (self.ana, MONTH.replace(day=21), 9000, "rejected"),
            (self.ana, BEFORE.replace(day=28), 7000, ""),
            (self.ana, AFTER, 8000, ""),
            (self.ben, MONTH.replace(day=10), 4000, ""),
            (self.outsider, MONTH.replace(day=10), 6000, ""),
        ]
        for user, day, steps, review in self.days:
            DailyActivity.objects.create(user=user, date=day, steps=steps, review=review)
        career = self.programme.category
        self.points = [  # user, category, points, day
            (self.ana, career, 30, MONTH.replace(day=3)),
            (self.ana, career, -5, MONTH.replace(day=4)),
            (self.ana, self.outreach, 20, MONTH.replace(day=15)),
            (self.ana, career, 100, AFTER),
            (self.ana, career, 70, BEFORE.replace(day=15)),
            (self.ben, self.outreach, 12, MONTH.replace(day=5)),
        ]
        for n, (user, category, points, day) in enumerate(self.points):
            entry = PointsEntry.objects.create(
                user=user,
                season=self.programme.season,
                category=category,
                points=points,
                reason="raw",
                source=f"raw:{n}",
                source_key=f"raw:{n}#0",
            )
            PointsEntry.objects.filter(pk=entry.pk).update(created_at=_at(day))
        self.submissions = [  # user, status, day handed in
            (self.ana, Submission.Status.APPROVED, MONTH.replace(day=6)),
            (self.ana, Submission.Status.CHANGES_REQUESTED, MONTH.replace(day=7)),
            (self.ana, Submission.Status.PENDING, AFTER),
            (self.ben, Submission.Status.PENDING, MONTH.replace(day=25)),
        ]
        for user, status, day in self.submissions:
            made = SubmissionFactory(user=user, assignment=self.programme.work, status=status)
            Submission.objects.filter(pk=made.pk).update(created_at=_at(day))
        Streak.objects.create(user=self.ana, kind="activity", current=2, longest=9)
        Streak.objects.create(user=self.ana, kind="leetcode", current=4, longest=4)

    def expected(self, user) -> dict:
        first, last = MONTH, AFTER - dt.timedelta(days=1)
        days = [
            s for u, d, s, r in self.days if u == user and first <= d <= last and r != "rejected"
        ]
        in_month = [(c.name, p) for u, c, p, d in self.points if u == user and first <= d <= last]
        handed_in = [s for u, s, d in self.submissions if u == user and first <= d <= last]
        return {
            "days_logged": len(days),
            "steps": sum(days),
            "points": {
                name: sum(p for n, p in in_month if n == name) for name in ("Career", "Outreach")
            },
            "submissions": {s: handed_in.count(s) for s in ("pending", "approved", "changes")},
        }


@pytest.fixture
def raw():
    return Raw()


def _row_facts(row) -> dict:
    return {
        "days_logged": row.days_logged,
        "steps": row.steps,
        "points": {c.name: p for c, p in row.points},
        "submissions": {s: row.submissions[s] for s in ("pending", "approved", "changes")},
    }


def test_a_members_report_matches_the_raw_rows(client, raw):
    client.force_login(raw.programme.mentor)

    response = client.get(f"/report/?user={raw.ana.pk}&month={MONTH:%Y-%m}")

    assert response.status_code == 200
    (row,) = response.context["report"].rows
    assert _row_facts(row) == raw.expected(raw.ana)
    assert _row_facts(row)["steps"] == 6500 and row.points_total == 45  # as worked by hand
    assert row.streaks == {"activity": (2, 9), "leetcode": (4, 4)}
    html = response.content.decode()
    assert 'data-testid="steps">6,500<' in html and 'media="print"' in html


def test_the_csv_download_matches_the_raw_rows(client, raw):
    client.force_login(raw.programme.mentor)

    response = client.get(f"/mentor/report/?month={MONTH:%Y-%m}&format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    rows = {r["email"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert set(rows) == {raw.ana.email, raw.ben.email}  # never the other group's member
    for member in (raw.ana, raw.ben):
        expected, got = raw.expected(member), rows[member.email]
        assert int(got["days_logged"]) == expected["days_logged"]
        assert int(got["steps"]) == expected["steps"]
        assert int(got["points_career"]) == expected["points"]["Career"]
        assert int(got["points_outreach"]) == expected["points"]["Outreach"]
        assert int(got["points_total"]) == sum(expected["points"].values())
        for status, count in expected["submissions"].items():
            assert int(got[f"submissions_{status}"]) == count
        assert got["month"] == f"{MONTH:%Y-%m}"
    assert (
        rows[raw.ana.email]["activity_streak_current"],
        rows[raw.ana.email]["activity_streak_best"],
    ) == ("2", "9")


def test_the_mentor_report_html_lists_each_student(client, raw):
    client.force_login(raw.programme.mentor)

    response = client.get(f"/mentor/report/?month={MONTH:%Y-%m}")

    report = response.context["report"]
    assert [r.user for r in report.rows] == sorted([raw.ana, raw.ben], key=lambda u: u.display_name)
    for row in report.rows:
        assert _row_facts(row) == raw.expected(row.user)


def test_the_report_costs_the_same_for_any_number_of_students(raw, django_assert_num_queries):
    from cohort.mentoring.reports import mentor_report

    organiser = staff(User.Role.ORGANISER)

    with django_assert_num_queries(7):
        # 1. the students; 2. categories; 3. activity; 4. points; 5. submissions;
        # 6. streaks; 7. the mentor (looked up as an organiser would)
        mentor_report(viewer=organiser, mentor_id=raw.programme.mentor.pk, month=MONTH)


def test_who_may_see_whose_report(client, raw):
    url = f"/report/?month={MONTH:%Y-%m}&user="
    client.force_login(raw.ana)
    assert client.get(f"/report/?month={MONTH:%Y-%m}").status_code == 200
    assert client.get(url + str(raw.ana.pk)).status_code == 200
    assert client.get(url + str(raw.ben.pk)).status_code == 404
    assert client.get("/mentor/report/").status_code == 404
    client.force_login(raw.programme.mentor)
    assert client.get(url + str(raw.outsider.pk)).status_code == 404
    assert client.get(f"/mentor/report/?mentor={raw.programme.other_mentor.pk}").status_code == 404
    client.force_login(staff(User.Role.ORGANISER))
    assert client.get(url + str(raw.outsider.pk)).status_code == 200
    assert client.get(f"/mentor/report/?mentor={raw.programme.other_mentor.pk}").status_code == 200
    assert client.get(f"/mentor/report/?mentor={raw.ana.pk}").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "month=2026-13",
        "month=abc",
        "month=2026-1",
        "month=1999-12",
        "month=2026-00",
        "user=x",
        "month=9999-01",
        "user=99999999999999999999999",
    ],
)
def test_bad_months_and_ids_are_422(client, query):
    client.force_login(MemberFactory(group=GroupFactory()))
    assert client.get(f"/report/?{query}").status_code == 422


def test_a_future_month_is_422_and_this_month_is_fine(client):
    client.force_login(MemberFactory())
    assert client.get(f"/report/?month={AFTER:%Y-%m}").status_code == 200
    next_month = (AFTER + dt.timedelta(days=31)).replace(day=1)
    assert client.get(f"/report/?month={next_month:%Y-%m}").status_code == 422


def test_the_mentor_report_page_costs_the_same_for_2_and_20_students(
    client, raw, django_assert_num_queries
):
    client.force_login(raw.programme.mentor)
    url = f"/mentor/report/?month={MONTH:%Y-%m}"
    client.get(url)  # warm the caches
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(url).context["report"].rows) == 2
    for _ in range(18):
        member = MemberFactory(group=raw.programme.mine)
        DailyActivity.objects.create(user=member, date=MONTH, steps=100)
        SubmissionFactory(user=member, assignment=raw.programme.work)

    with django_assert_num_queries(len(small)):
        assert len(client.get(url).context["report"].rows) == 20
