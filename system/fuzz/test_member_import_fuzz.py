"""Properties of `import_members` (columns email, name, group; all or nothing): any bytes
give a result with every bad row named by its line, never an exception; a file with a bad
row creates no user and no group; good rows round-trip into their group."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cohort.accounts.models import Group, User
from cohort.accounts.services.imports import import_members
from cohort.accounts.tests.factories import GroupFactory
from system.fuzz.strategies import cell, csv_text, encode, encodings, odd_text, writes

HEADER = ["email", "name", "group"]


@pytest.fixture
def groups(db):
    return [GroupFactory(name="Walkers"), GroupFactory(name="Runners")]


def _state() -> tuple:
    return (
        list(User.objects.order_by("pk").values_list("email", "group_id")),
        list(Group.objects.order_by("pk").values_list("name", "member_count")),
    )


def _import(tmp_path, data: bytes, **options):
    path = tmp_path / "members.csv"
    path.write_bytes(data)
    return import_members(path, **options)


@writes
@given(
    header=st.just(HEADER) | st.permutations(HEADER) | st.lists(odd_text, max_size=4),
    rows=st.lists(st.lists(cell, max_size=4), max_size=5),
    encoding=encodings,
    create_groups=st.booleans(),
)
def test_any_file_gives_a_result_and_a_bad_one_writes_nothing(
    groups, tmp_path, header, rows, encoding, create_groups
):
    before = _state()
    result = _import(
        tmp_path, encode(csv_text([header, *rows]), encoding), create_groups=create_groups
    )
    assert all(isinstance(line, int) and reason for line, reason in result.errors)
    if result.errors:
        assert (result.created, result.groups_created) == (0, 0) or not result.created
        assert _state() == before


member_row = st.tuples(
    st.from_regex(r"[a-z][a-z0-9]{0,20}", fullmatch=True),
    st.text(alphabet=st.characters(categories=["L", "N", "Zs"]), min_size=1, max_size=30),
    st.sampled_from(["Walkers", "RUNNERS", "walkers"]),
)


@writes
@given(
    rows=st.lists(member_row, min_size=1, max_size=8, unique_by=lambda r: r[0]), bom=st.booleans()
)
def test_good_rows_join_their_groups(groups, tmp_path, rows, bom):
    User.objects.filter(role=User.Role.MEMBER).delete()
    Group.objects.update(member_count=0)
    rows = [
        (f"{local}@example.com", name.strip() or "A name", group) for local, name, group in rows
    ]
    text = csv_text([HEADER, *rows])
    result = _import(tmp_path, (b"\xef\xbb\xbf" if bom else b"") + text.encode())
    assert result.errors == [] and result.created == len(rows)
    for email, name, group in rows:
        user = User.objects.get(email=email)
        assert (user.display_name, user.group.name.lower()) == (name, group.lower())
    again = _import(tmp_path, text.encode())
    assert (again.errors, again.created, again.unchanged) == ([], 0, len(rows))


BAD_ROWS = [
    ["not-an-email", "Ana", "Walkers"],
    ["", "Ana", "Walkers"],
    ["ana@example.com", "", "Walkers"],
    ["ana@example.com", "Ana", "No such group"],
    ["ana@example.com", "Ana", ""],
    ["ana\x00@example.com", "Ana", "Walkers"],
    ["ana@example.com", "A\x00na", "Walkers"],
    ["ana@example.com", "Ana", "Walk\x00ers"],
    ["ana@example.com", "x" * 101, "Walkers"],
]


@writes
@given(
    rows=st.lists(member_row, min_size=1, max_size=5, unique_by=lambda r: r[0]),
    bad=st.sampled_from(BAD_ROWS),
    where=st.integers(min_value=0, max_value=5),
)
def test_a_bad_row_is_named_by_its_line_and_nothing_is_written(groups, tmp_path, rows, bad, where):
    rows = [[f"{local}@example.org", "A name", group] for local, _, group in rows]
    where = min(where, len(rows))
    rows.insert(where, bad)
    before = _state()
    result = _import(tmp_path, csv_text([HEADER, *rows]).encode())
    assert [line for line, _ in result.errors] == [where + 2]  # the header is line 1
    assert _state() == before
