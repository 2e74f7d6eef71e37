"""Flagged days reach the people who decide them: GET /api/v1/activity/flags and the "Days
to confirm" queue on /mentor/ for the group's mentors, its division's coordinator and
organisers; the group's mentors are notified once per flagged day."""

import datetime as dt

import pytest

from cohort.accounts.models import User
from cohort.accounts.tests.factories import (
    DivisionFactory,
    GroupFactory,
    MemberFactory,
    StaffFactory,
)
from cohort.activity.models import DailyActivity
from cohort.activity.services.daily import activity_log
from cohort.activity.services.imports import RawRow, activity_import
from cohort.core.clock import user_today
from cohort.journeys.tests.factories import path_create
from cohort.notifications.models import Notification

pytestmark = pytest.mark.django_db

URL = "/api/v1/activity/flags"


def mentor_of(group) -> User:
    mentor = StaffFactory(role=User.Role.MENTOR)
    group.mentors.add(mentor)
    return mentor


@pytest.fixture
def member(settings):
    settings.ACTIVITY_FLAG_STEPS = 20_000
    settings.ACTIVITY_EDIT_WINDOW_DAYS = 60
    path_create(start=dt.date(2020, 1, 1))
    return MemberFactory(group=GroupFactory(division=DivisionFactory()))


def _flag(member, days_back=0, steps=45_000) -> DailyActivity:
    return activity_log(
        user=member, day=user_today(member) - dt.timedelta(days=days_back), steps=steps
    )


def test_the_groups_mentor_lists_a_flagged_day_with_what_they_need(signed_in, member):
    mentor = mentor_of(member.group)
    for back in range(8, 1, -1):
        _flag(member, back, steps=6_000)
    flagged = _flag(member)
    body = signed_in(mentor).get(URL).json()
    (row,) = body["results"]
    assert row["id"] == flagged.pk and row["member"] == member.display_name
    assert (row["group"], row["steps"]) == (member.group.name, 45_000)
    # the threshold from a week of 6,000: the mean plus three spreads (at least 2,000 each)
    assert (row["threshold"], row["counted_steps"]) == (12_000, 12_000)
    assert (row["usual_steps"], row["usual_days"]) == (6_000, 7)


@pytest.mark.parametrize("role", ["mentor", "coordinator", "organiser"])
def test_those_who_decide_see_it_and_can_decide(signed_in, member, role):
    viewer = {
        "mentor": lambda: mentor_of(member.group),
        "coordinator": lambda: StaffFactory(role="coordinator", division=member.group.division),
        "organiser": lambda: StaffFactory(role=User.Role.ORGANISER),
    }[role]()
    flagged = _flag(member)
    client = signed_in(viewer)
    assert [r["id"] for r in client.get(URL).json()["results"]] == [flagged.pk]
    decided = client.post(
        f"{URL}/{flagged.pk}/review", {"decision": "confirmed"}, content_type="application/json"
    )
    assert decided.status_code == 200
    assert DailyActivity.objects.get(pk=flagged.pk).counted_steps == 45_000
    assert client.get(URL).json()["results"] == []


def test_another_groups_mentor_or_coordinator_sees_nothing(signed_in, member):
    _flag(member)
    assert signed_in(mentor_of(GroupFactory())).get(URL).json()["results"] == []
    other = StaffFactory(role="coordinator", division=DivisionFactory())
    assert signed_in(other).get(URL).json()["results"] == []


def test_members_are_refused_the_list(signed_in, member):
    _flag(member)
    response = signed_in(member).get(URL)
    assert response.status_code == 403 and "detail" in response.json()


def test_pages_with_a_cursor_and_refuses_a_forged_one(signed_in, member, settings):
    mentor = mentor_of(member.group)
    for back in range(30):
        _flag(member, back)
    client = signed_in(mentor)
    first = client.get(URL).json()
    assert len(first["results"]) == 25 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5 and not second["next"]
    assert client.get(URL + "?cursor=%%%nope").status_code == 422


@pytest.mark.parametrize("rows", [2, 20])
def test_the_list_costs_the_same_queries_for_2_or_20(
    signed_in, member, rows, django_assert_num_queries, settings
):
    groups = [member.group, GroupFactory()]
    mentor = mentor_of(groups[0])
    groups[1].mentors.add(mentor)
    for n in range(rows):
        _flag(MemberFactory(group=groups[n % 2]))
    client = signed_in(mentor)
    client.get(URL)  # stamps the session's last-seen time
    # (session), the viewer, the page of flagged days with member, group and usual day
    with django_assert_num_queries(2 + settings.SESSION_ENGINE.endswith(".db")):
        assert len(client.get(URL).json()["results"]) == rows


def test_the_groups_mentors_are_notified_once_per_flagged_day(member):
    mentors = [mentor_of(member.group), mentor_of(member.group)]
    mentor_of(GroupFactory())  # another group's mentor hears nothing
    flagged = _flag(member)
    _flag(member, steps=46_000)  # logged again, still flagged: no second notice
    _flag(member, days_back=1, steps=3_000)  # an ordinary day: none
    notices = Notification.objects.filter(dedupe_key=f"activity-flag:{flagged.pk}")
    assert sorted(n.recipient_id for n in notices) == sorted(m.pk for m in mentors)
    assert Notification.objects.filter(dedupe_key__startswith="activity-flag:").count() == 2
    assert member.display_name in notices[0].text and notices[0].link == "/mentor/#flags"


def test_an_imported_flagged_day_notifies_the_mentor_too(member):
    mentor = mentor_of(member.group)
    day = user_today(member)
    activity_import([RawRow(1, member.email, day.isoformat(), "50000")], source="csv")
    notices = Notification.objects.filter(recipient=mentor, dedupe_key__startswith="activity-")
    assert notices.count() == 1


def test_the_mentor_page_shows_days_to_confirm_and_decides_them(signed_in, member):
    mentor = mentor_of(member.group)
    flagged = _flag(member)
    client = signed_in(mentor)
    page = client.get("/mentor/").content.decode()
    assert "Days to confirm" in page and f'data-flag="{flagged.pk}"' in page
    assert "45,000" in page and "threshold 20,000" in page
    response = client.post(f"/mentor/flags/{flagged.pk}/", {"decision": "rejected"})
    assert response.status_code == 302 and response["Location"].endswith("#flags")
    assert DailyActivity.objects.get(pk=flagged.pk).review == "rejected"
    assert client.post(f"/mentor/flags/{flagged.pk}/", {"decision": "rejected"}).status_code == 404


def test_the_page_refuses_another_groups_day_and_a_bad_decision(signed_in, member):
    flagged = _flag(member)
    client = signed_in(mentor_of(GroupFactory()))
    assert client.post(f"/mentor/flags/{flagged.pk}/", {"decision": "rejected"}).status_code == 404
    client = signed_in(mentor_of(member.group))
    assert client.post(f"/mentor/flags/{flagged.pk}/", {"decision": "maybe"}).status_code == 422
    assert DailyActivity.objects.get(pk=flagged.pk).review == "pending"
