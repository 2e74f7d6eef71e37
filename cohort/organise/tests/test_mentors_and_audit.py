"""The console's Mentors (each mentor's load; assigning them to groups) and Audit (filtered,
paged, exported as CSV) pages."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from cohort.accounts.models import User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.activity.models import DailyActivity
from cohort.core.clock import programme_today
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record
from cohort.organise.selectors import mentor_load_list
from cohort.organise.tests.conftest import session_queries

pytestmark = pytest.mark.django_db


def _loads(viewer):
    return {load.mentor.pk: load for load in mentor_load_list(viewer=viewer)}


def test_each_mentor_s_load(console):
    p = console.programme
    p.pending(p.students[0])
    p.pending(p.students[1])
    p.pending(p.others[0])
    DailyActivity.objects.create(
        user=p.students[0], date=programme_today(), steps=90_000,
        review=DailyActivity.Review.PENDING, plausible_steps=20_000,
    )  # fmt: skip
    second = GroupFactory()
    MemberFactory(group=second)
    second.mentors.add(p.mentor)
    loads = _loads(console.organiser)
    mine = loads[p.mentor.pk]
    assert {g.name for g in mine.groups} == {p.mine.name, second.name}
    assert mine.members == 3 + 1  # two students and the leader, and the second group's one
    assert (mine.waiting_submissions, mine.waiting_flags, mine.waiting) == (2, 1, 3)
    theirs = loads[p.other_mentor.pk]
    assert (theirs.members, theirs.waiting_submissions, theirs.waiting_flags) == (2, 1, 0)


def test_a_coordinator_sees_the_load_in_their_division(console):
    p = console.programme
    p.pending(p.others[0])
    loads = _loads(console.coordinator)
    assert [g.name for g in loads[p.mentor.pk].groups] == [p.mine.name]
    assert loads[p.other_mentor.pk].groups == []
    assert loads[p.other_mentor.pk].members == 0
    assert loads[p.other_mentor.pk].waiting_submissions == 0


@pytest.mark.parametrize("extra_mentors", [1, 8])
def test_the_load_takes_four_queries(console, extra_mentors, django_assert_num_queries):
    from cohort.accounts.tests.factories import mentor_of

    for _ in range(extra_mentors):
        console.programme.pending(
            MemberFactory(group=mentor_of(GroupFactory()).mentored_groups.get())
        )
    # 1 the mentors, 2 their groups in reach, 3 pending submissions by group, 4 flags by group
    with django_assert_num_queries(4):
        loads = mentor_load_list(viewer=console.organiser)
    assert len(loads) == 2 + extra_mentors
    assert [load.waiting for load in loads[:extra_mentors]] == [1] * extra_mentors


def test_the_most_loaded_mentor_comes_first_and_pages_hold_a_hundred(console, as_user):
    p = console.programme
    p.pending(p.others[0])
    body = as_user(console.organiser).get("/organise/mentors/").content.decode()
    rows = body.split("<tbody>")[1]
    assert rows.index(f'data-mentor="{p.other_mentor.pk}"') < rows.index(
        f'data-mentor="{p.mentor.pk}"'
    )
    assert "Page 1 of" not in body  # one page


def test_the_organiser_assigns_a_mentor(console, as_user):
    p = console.programme
    client = as_user(console.organiser)
    data = {"group": p.theirs.pk, "mentor": p.mentor.pk, "action": "add"}
    assert client.post("/organise/mentors/", data).status_code == 302
    assert p.mentor in p.theirs.mentors.all()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.MENTOR_ASSIGNED).count() == 1
    data["action"] = "remove"
    assert client.post("/organise/mentors/", data).status_code == 302
    assert p.mentor not in p.theirs.mentors.all()


def test_a_coordinator_assigns_in_their_division_only(console, as_user):
    p = console.programme
    client = as_user(console.coordinator)
    data = {"group": p.mine.pk, "mentor": p.other_mentor.pk, "action": "add"}
    assert client.post("/organise/mentors/", data).status_code == 302
    assert p.other_mentor in p.mine.mentors.all()
    data["group"] = p.theirs.pk  # South's group: not among the choices
    response = client.post("/organise/mentors/", data)
    assert response.status_code == 422
    assert 'id="id_group_error"' in response.content.decode()
    assert p.mentor not in p.theirs.mentors.all()


def test_choosing_no_mentor_is_an_error_by_the_field(console, as_user):
    response = as_user(console.organiser).post(
        "/organise/mentors/", {"group": console.programme.mine.pk, "mentor": ""}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_mentor_error"' in body
    assert f'<option value="{console.programme.mine.pk}" selected>' in body


def test_mentors_and_members_may_not_assign(console, as_user):
    p = console.programme
    data = {"group": p.mine.pk, "mentor": p.other_mentor.pk}
    assert as_user(p.mentor).post("/organise/mentors/", data).status_code == 403
    assert as_user(p.students[0]).post("/organise/mentors/", data).status_code == 403


# --- Audit ----------------------------------------------------------------------------------


@pytest.fixture
def events(console):
    p = console.programme
    made = [
        audit_record(action=AuditEvent.Action.SIGN_IN, actor=p.students[0], ip="10.0.0.1"),
        audit_record(action=AuditEvent.Action.SIGN_IN, actor=p.others[0]),
        audit_record(action=AuditEvent.Action.PASSWORD_ROTATED, actor=console.leader),
        audit_record(action=AuditEvent.Action.SIGN_IN_FAILED, actor=None, email="=cmd|x"),
    ]
    old = timezone.now() - dt.timedelta(days=30)
    AuditEvent.objects.filter(pk=made[1].pk).update(created_at=old)
    return made


def _rows(client, query=""):
    return client.get(f"/organise/audit/?{query}").content.decode()


def test_filters_by_action_person_and_date(console, as_user, events):
    client = as_user(console.organiser)
    p = console.programme
    body = _rows(client, "action=sign_in")
    assert p.students[0].email in body and p.others[0].email in body
    assert console.leader.email not in body
    body = _rows(client, f"person={p.students[0].email.upper()}")
    assert p.students[0].email in body and p.others[0].email not in body
    since = (programme_today() - dt.timedelta(days=1)).isoformat()
    body = _rows(client, f"action=sign_in&since={since}")
    assert p.students[0].email in body and p.others[0].email not in body
    until = (programme_today() - dt.timedelta(days=20)).isoformat()
    body = _rows(client, f"until={until}")
    assert p.others[0].email in body and p.students[0].email not in body


def test_a_bad_filter_is_shown_by_its_field(console, as_user):
    response = as_user(console.organiser).get("/organise/audit/?since=2026-05-05&until=2026-05-01")
    assert response.status_code == 422
    assert 'id="id_until_error"' in response.content.decode()


def test_pages_of_fifty_newest_first(console, as_user):
    actor = console.programme.students[0]
    AuditEvent.objects.bulk_create(
        AuditEvent(action=AuditEvent.Action.SIGN_IN, actor=actor, detail={"n": n})
        for n in range(60)
    )
    client = as_user(console.organiser)
    first = client.get("/organise/audit/?action=sign_in")
    body = first.content.decode()
    assert body.count("<tr>") == 51  # the head and fifty rows
    assert "n: 59<" in body and "n: 9<" not in body
    older = first.context["next_before"]
    body = client.get(f"/organise/audit/?action=sign_in&before={older}").content.decode()
    assert body.count("<tr>") == 11 and "n: 9<" in body
    assert "Older events" not in body


def test_a_coordinator_reads_their_division_s_events(console, as_user, events):
    body = _rows(as_user(console.coordinator))
    assert console.programme.students[0].email in body
    assert console.leader.email in body
    assert console.programme.others[0].email not in body


def test_the_export_is_the_filtered_log_as_safe_csv(console, as_user, events):
    client = as_user(console.organiser)
    response = client.get("/organise/audit/export.csv?action=sign_in_failed")
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["id", "when", "action"]
    assert len(rows) == 2 and rows[1][2] == "sign_in_failed"
    assert rows[1][7] == '{"email": "=cmd|x"}'  # JSON text, never read as a formula
    User.objects.filter(pk=console.programme.students[0].pk).update(display_name="=HYPERLINK(1)")
    response = client.get("/organise/audit/export.csv?action=sign_in")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert "'=HYPERLINK(1)" in [row[3] for row in rows]  # core.csv_export's quote
    exported = AuditEvent.objects.filter(action=AuditEvent.Action.DATA_EXPORTED).first()
    assert exported.actor == console.organiser and exported.detail["export"] == "audit"


def test_the_coordinator_s_export_is_their_division_s(console, as_user, events):
    response = as_user(console.coordinator).get("/organise/audit/export.csv")
    body = b"".join(response.streaming_content).decode()
    assert console.programme.students[0].email in body
    assert console.programme.others[0].email not in body


@pytest.mark.parametrize("rows", [2, 20])
def test_an_audit_page_takes_the_same_queries(console, as_user, rows, django_assert_num_queries):
    actor = console.programme.students[0]
    AuditEvent.objects.bulk_create(
        AuditEvent(action=AuditEvent.Action.SIGN_IN, actor=actor) for _ in range(rows)
    )
    client = as_user(console.organiser)
    client.get("/organise/audit/")  # the session and the user warmed once
    # (the session without Redis), 1 the viewer, 2 the page of events with their actors
    with django_assert_num_queries(session_queries() + 2):
        response = client.get("/organise/audit/")
    assert len(response.context["events"]) == rows
