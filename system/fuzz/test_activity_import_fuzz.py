"""Properties of the activity CSV import (`import_activity`) and the published-sheet reader
(`sync_sheet`): whatever the bytes, the outcome is rows or a clear error naming the line,
never an exception escaping; a file with a bad row writes nothing; good rows round-trip."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.activity.models import DailyActivity
from cohort.activity.services.imports import (
    RawRow,
    UnreadableSource,
    activity_import,
    rows_from_csv,
)
from cohort.activity.services.sheets import sheet_rows
from cohort.core.clock import user_today
from system.fuzz.strategies import cell, csv_text, encode, encodings, odd_text, pure, writes

HEADERS = [["email", "date", "steps"], ["steps", "email", "date"], ["Date", "EMAIL", "Steps"]]


@pytest.fixture
def walkers(db):
    group = GroupFactory()
    return [MemberFactory(group=group) for _ in range(3)]


def _days_written() -> list[tuple]:
    return list(DailyActivity.objects.order_by("pk").values_list("user_id", "date", "steps"))


@pure
@given(
    text=st.text(alphabet=st.characters(codec="utf-8"))
    | st.builds(csv_text, st.lists(st.lists(cell, max_size=5), max_size=6))
)
def test_any_text_reads_as_rows_or_says_why_not(text):
    try:
        rows = rows_from_csv(text)
    except UnreadableSource as exc:
        assert str(exc) and exc.line >= 0
        return
    assert all(isinstance(r, RawRow) and r.line >= 1 for r in rows)
    assert [r.line for r in rows] == sorted(r.line for r in rows)


def _cells(walkers):
    """Cells that are sometimes right: a member's email, a past day, a step count."""
    today = user_today(walkers[0])
    return (
        st.sampled_from([w.email for w in walkers] + [w.email.upper() for w in walkers])
        | st.integers(min_value=0, max_value=400).map(lambda n: str(today - dt.timedelta(n)))
        | st.integers(min_value=-5, max_value=150_000).map(str)
        | st.sampled_from(["2026-11-24T06:00:00.000Z", "0001-01-01T00:00:00+05:00", "12,345"])
        | cell
    )


@writes
@given(data=st.data())
def test_a_file_imports_whole_or_writes_nothing(walkers, data):
    header = data.draw(st.sampled_from(HEADERS) | st.lists(odd_text, max_size=4))
    body = data.draw(st.lists(st.lists(_cells(walkers), min_size=0, max_size=4), max_size=6))
    before = _days_written()
    try:
        rows = rows_from_csv(csv_text([header, *body]))
    except UnreadableSource:
        assert _days_written() == before
        return
    result = activity_import(rows, source=DailyActivity.Source.CSV)
    lines = {r.line for r in rows}
    assert all(line in lines and reason for line, reason in result.errors)
    if result.errors:
        assert not result.written
        assert _days_written() == before


good_row = st.tuples(
    st.integers(min_value=0, max_value=2),  # which walker
    st.integers(min_value=0, max_value=300),  # days ago
    st.integers(min_value=0, max_value=100_000),
    st.booleans(),  # steps written with thousands separators
)


def _good_csv(walkers, picks, header):
    seen, rows = set(), []
    for who, back, steps, commas in picks:
        if (who, back) in seen:
            continue
        seen.add((who, back))
        member = walkers[who]
        values = {
            "email": member.email.upper() if commas else member.email,
            "date": str(user_today(member) - dt.timedelta(back)),
            "steps": f"{steps:,}" if commas else str(steps),
        }
        rows.append((member, values["date"], steps, [values[c.lower()] for c in header]))
    return rows


@writes
@given(picks=st.lists(good_row, min_size=1, max_size=8), header=st.sampled_from(HEADERS))
def test_good_rows_round_trip_and_a_second_import_changes_nothing(walkers, picks, header):
    rows = _good_csv(walkers, picks, header)
    text = csv_text([header] + [cells for *_, cells in rows])
    result = activity_import(rows_from_csv(text), source=DailyActivity.Source.CSV)
    assert result.errors == []
    for member, day, steps, _ in rows:
        assert DailyActivity.objects.get(user=member, date=day).steps == steps
    again = activity_import(rows_from_csv(text), source=DailyActivity.Source.CSV)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))


BAD_CELLS = {
    "email": ["nobody@example.com", "", "\x00@example.com", "a" * 300],
    "date": ["2026-13-01", "tomorrow", "0001-01-01T00:00:00+05:00", "9999-12-31", "\x00"],
    "steps": ["-5", "1.5", "ten", "", "1" * 40, "9" * 400, "9" * 5000, "100001", "\x00"],
}


@writes
@given(
    picks=st.lists(good_row, min_size=1, max_size=6),
    where=st.integers(min_value=0, max_value=6),
    column=st.sampled_from(sorted(BAD_CELLS)),
    data=st.data(),
)
def test_one_bad_row_is_named_by_its_line_and_nothing_is_written(
    walkers, picks, where, column, data
):
    header = HEADERS[0]
    rows = [cells for *_, cells in _good_csv(walkers, picks, header)]
    where = min(where, len(rows))
    bad = list(rows[0])
    bad[header.index(column)] = data.draw(st.sampled_from(BAD_CELLS[column]))
    rows.insert(where, bad)
    before = _days_written()
    result = activity_import(rows_from_csv(csv_text([header, *rows])), source="csv")
    assert [line for line, _ in result.errors] == [where + 2]  # the header is line 1
    assert not result.written
    assert _days_written() == before


@writes
@given(
    text=st.builds(csv_text, st.lists(st.lists(cell, max_size=4), max_size=5)),
    encoding=encodings,
    bom=st.booleans(),
)
def test_the_command_reads_any_bytes_or_fails_with_a_message(
    walkers, tmp_path, text, encoding, bom
):
    path = tmp_path / "steps.csv"
    path.write_bytes(
        (b"\xef\xbb\xbf" if bom else b"") + encode("email,date,steps\n" + text, encoding)
    )
    before = _days_written()
    try:
        call_command("import_activity", str(path), stdout=None, stderr=None)
    except CommandError as exc:
        assert str(exc)
        assert _days_written() == before


json_cell = st.none() | st.booleans() | st.integers() | st.floats() | odd_text
sheet_json = st.one_of(
    st.fixed_dictionaries({"values": st.lists(st.lists(json_cell, max_size=4), max_size=5)}),
    st.recursive(
        json_cell, lambda inner: st.lists(inner) | st.dictionaries(odd_text, inner), max_leaves=8
    ),
).map(json.dumps)
deep_or_long = st.sampled_from(
    ["[" * 100_000, '{"values": [["a@b.org", ' + "9" * 5000 + "]]}", '{"values": ' * 5000]
).map(str.encode)
content_types = st.sampled_from(
    ["text/csv", "text/csv; charset=utf-8", "application/json", "text/html", "", "text/plain"]
)


@pure
@given(
    body=deep_or_long
    | st.binary(max_size=300)
    | sheet_json.map(str.encode)
    | st.builds(csv_text, st.lists(st.lists(cell, max_size=4), max_size=5)).map(str.encode),
    content_type=content_types,
)
def test_a_sheet_answer_reads_as_rows_or_says_why_not(body, content_type):
    try:
        rows = sheet_rows(body, content_type)
    except UnreadableSource as exc:
        assert str(exc)
        return
    assert all(isinstance(r, RawRow) and r.line >= 1 for r in rows)


@writes
@given(values=st.lists(st.lists(json_cell, max_size=4), max_size=5), data=st.data())
def test_a_sheet_of_the_group_imports_whole_or_writes_nothing(walkers, values, data):
    emails = st.sampled_from([w.email for w in walkers])
    values = [[data.draw(emails), *row] for row in values]  # a real member in most rows
    before = _days_written()
    body = json.dumps({"values": values}).encode()
    result = activity_import(
        sheet_rows(body, "application/json"), source="sheet", group=walkers[0].group
    )
    if result.errors:
        assert not result.written
        assert _days_written() == before
