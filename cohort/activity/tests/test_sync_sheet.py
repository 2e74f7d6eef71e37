"""sync_sheet against a real local HTTP server standing in for the published sheet."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.activity.models import DailyActivity, SheetSource
from cohort.activity.services.imports import UnreadableSource
from cohort.activity.services.sheets import SheetUnavailable, sheet_rows, sheet_sync
from cohort.activity.tasks import sync_sheets_task
from cohort.activity.tests.sheet_server import Answer, SheetServer
from cohort.core.clock import user_today
from cohort.journeys.models import Enrollment
from cohort.journeys.tests.factories import path_create


@pytest.fixture(scope="module")
def server():
    sheet_server = SheetServer()
    yield sheet_server
    sheet_server.close()


@pytest.fixture(autouse=True)
def _private_addresses_allowed(settings):
    """The stand-in sheet server listens on 127.0.0.1, which the sync refuses by default
    (test_sheet_addresses.py)."""
    settings.SHEET_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def group(db):
    path_create()
    group = GroupFactory(name="Pilgrims")
    for i in range(2):
        MemberFactory(group=group, email=f"pilgrim{i}@example.com", time_zone="America/Chicago")
    return group


@pytest.fixture
def today(group):
    return user_today(group.members.first())


def _sheet(server, group, path: str, answer: Answer) -> SheetSource:
    server.answers[path] = answer
    return SheetSource.objects.create(group=group, url=server.url(path))


def _steps(group) -> dict:
    rows = DailyActivity.objects.filter(user__group=group)
    return {(r.user.email, r.date): (r.steps, r.source) for r in rows.select_related("user")}


def test_a_published_csv_is_read_and_upserted(server, group, today):
    yesterday = today - dt.timedelta(days=1)
    body = f"Email,Steps,Date\npilgrim0@example.com,4000,{yesterday}\npilgrim1@example.com,2500,\n"
    source = _sheet(server, group, "/csv", Answer(body.encode()))
    result = sheet_sync(source)
    assert (result.created, result.errors) == (2, [])
    assert _steps(group) == {
        ("pilgrim0@example.com", yesterday): (4000, "sheet"),
        ("pilgrim1@example.com", today): (2500, "sheet"),  # no date: the member's today
    }
    assert Enrollment.objects.get(user__email="pilgrim0@example.com").steps == 4000
    source.refresh_from_db()
    assert source.last_synced_at is not None
    assert source.last_result.startswith("created 2, updated 0, unchanged 0")
    again = sheet_sync(source)
    assert (again.created, again.updated, again.unchanged, again.written) == (0, 0, 2, False)


def test_a_web_app_answer_of_values_is_read(server, group, today):
    # A web app serialises a date cell as the UTC instant of local midnight.
    midnight = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC) + dt.timedelta(hours=6)
    values = [
        ["pilgrim0@example.com", 1500, midnight.isoformat().replace("+00:00", ".000Z")],
        ["pilgrim1@example.com", "2,750", str(today)],
        ["", "", ""],
    ]
    answer = Answer(json.dumps({"values": values}).encode(), content_type="application/json")
    sheet_sync(_sheet(server, group, "/values", answer))
    assert _steps(group) == {
        ("pilgrim0@example.com", today): (1500, "sheet"),
        ("pilgrim1@example.com", today): (2750, "sheet"),
    }


def test_a_bad_row_writes_nothing_and_is_reported_with_its_row(server, group, today):
    stranger = MemberFactory(email="stranger@example.com")
    values = [["email", "steps", "date"]]
    values += [["pilgrim0@example.com", 1000, str(today)], [stranger.email, 50, str(today)]]
    answer = Answer(json.dumps({"values": values}).encode(), content_type="application/json")
    source = _sheet(server, group, "/bad-row", answer)
    result = sheet_sync(source)
    assert result.errors == [(3, "stranger@example.com is not in Pilgrims")]
    assert not result.written and not DailyActivity.objects.exists()
    source.refresh_from_db()
    # The recorded outcome names the row, never the fetched cells (no echo of content).
    assert source.last_result.startswith("1 bad row(s), nothing written; first at row 3")
    assert stranger.email not in source.last_result
    assert source.last_synced_at is None
    assert sheet_sync(source, skip_invalid=True).created == 1


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Answer(b"oops", status=500), "the sheet answered HTTP 500"),
        (Answer(b'{"values": [["a", 1]', content_type="application/json"), "not valid JSON"),
        (Answer(b'{"rows": []}', content_type="application/json"), 'no "values" list'),
        (Answer(b"<html>Sign in</html>", content_type="text/html"), "a web page"),
        (Answer(b"\xff\xfe\x00junk"), "not UTF-8"),
        (Answer(b"", delay=3), "no complete answer within 1 s"),
        # Each byte comes in time, the whole answer does not: the timeout is for all of it.
        (Answer(b"email,steps\n" + b"x" * 40, trickle=0.05), "no complete answer within 1 s"),
    ],
    ids=["500", "malformed-json", "wrong-json", "html", "binary", "slow", "trickle"],
)
def test_a_failing_sheet_writes_nothing_and_records_why(server, group, settings, answer, reason):
    settings.SHEET_TIMEOUT_SECONDS = 1
    source = _sheet(server, group, "/failing", answer)
    with pytest.raises((SheetUnavailable, UnreadableSource), match=reason):
        sheet_sync(source)
    assert not DailyActivity.objects.exists()
    source.refresh_from_db()
    assert source.last_result.startswith("failed:") and reason in source.last_result


def test_one_groups_failure_does_not_stop_the_others(server, group, today):
    other = GroupFactory(name="Others")
    MemberFactory(group=other, email="other@example.com", time_zone="America/Chicago")
    _sheet(server, group, "/down", Answer(b"", status=503))
    _sheet(server, other, "/up", Answer(f"other@example.com,3000,{today}\n".encode()))
    assert sync_sheets_task.delay().get() == {"synced": 1, "failed": 1}
    assert list(DailyActivity.objects.values_list("user__email", "steps")) == [
        ("other@example.com", 3000)
    ]


def test_the_command_syncs_one_group_and_says_why_it_failed(server, group, today):
    _sheet(server, group, "/cmd", Answer(f"pilgrim0@example.com,42,{today}\n".encode()))
    out = StringIO()
    call_command("sync_sheet", "pilgrims", "--dry-run", stdout=out)
    assert "Would have: created 1" in out.getvalue() and not DailyActivity.objects.exists()
    call_command("sync_sheet", str(group.pk), stdout=out)
    assert DailyActivity.objects.get().steps == 42
    server.answers["/cmd"] = Answer(b"", status=404)
    with pytest.raises(CommandError, match="Pilgrims: the sheet answered HTTP 404"):
        call_command("sync_sheet", "Pilgrims")
    with pytest.raises(CommandError, match="No group is named 'Nobody'"):
        call_command("sync_sheet", "Nobody")


def test_the_nightly_beat_schedule_reads_the_sheets():
    from config.celery import _beat_schedule

    entry = _beat_schedule()["sync-sheets-nightly"]
    assert entry["task"] == sync_sheets_task.name


@given(
    body=st.binary(max_size=300), content_type=st.sampled_from(["text/csv", "application/json", ""])
)
def test_any_answer_parses_to_rows_or_a_clear_refusal(body, content_type):
    try:
        rows = sheet_rows(body, content_type)
    except UnreadableSource as refusal:
        assert str(refusal)
    else:
        assert all(row.line >= 1 for row in rows)


# Any text for the email cell (validation comes later), except one that reads as a header.
_CELL = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30).filter(
    lambda text: text.strip().lower() != "email"
)


@hypothesis_settings(deadline=None)
@given(
    records=st.lists(
        st.tuples(
            _CELL,
            st.integers(min_value=0, max_value=10**6),
            st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
        ),
        max_size=20,
    )
)
def test_values_rows_read_back_as_written(records):
    body = json.dumps({"values": [[e, s, str(d)] for e, s, d in records]}).encode()
    rows = sheet_rows(body, "application/json")
    assert [(r.email, r.steps, r.day) for r in rows] == [
        (e.strip(), str(s), str(d)) for e, s, d in records
    ]


def test_a_day_before_the_path_is_a_bad_row(server, group, today):
    from cohort.journeys.models import Path

    path = Path.objects.get(is_current=True)
    body = "email,steps,date\n"
    body += f"pilgrim0@example.com,4000,{today}\npilgrim1@example.com,2500,1999-01-01\n"
    result = sheet_sync(_sheet(server, group, "/old-day", Answer(body.encode())))
    assert result.errors == [
        (3, f"1999-01-01 is outside {path.name}, which starts on {path.start_date}")
    ]
    assert not result.written and not DailyActivity.objects.exists()
