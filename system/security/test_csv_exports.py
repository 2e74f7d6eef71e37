"""Item 5: CSV (formula) injection. Every CSV the app hands out (the organiser's analytics
exports and the mentor and member report downloads) is read here cell by cell: no text cell
may start like a formula, whatever names, emails and group names people chose."""

import csv
import io
import re

import pytest
from django.urls import reverse

from cohort.accounts.models import Group, User
from cohort.accounts.tests.factories import DivisionFactory, StaffFactory
from cohort.analytics.exports import EXPORTS
from cohort.analytics.tests.factories import world
from cohort.core.csv_export import FORMULA_STARTS

pytestmark = pytest.mark.django_db

NAMES = ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+2"]
EMAILS = ["=2+5@example.com", "+cmd@example.com", "-3+3@example.com"]
GROUP, DIVISION = "-2+3 group", "\r=division"


def _body(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    content = response.getvalue() if not response.streaming else b"".join(response)
    return content.decode()


def _is_number(cell: str) -> bool:
    return re.fullmatch(r"-?\d+(\.\d+)?", cell) is not None


@pytest.fixture
def hostile():
    """One group whose members, group and division have names that start like formulas."""
    made = world(groups=1)
    ((group, members),) = made["groups"]
    Group.objects.filter(pk=group.pk).update(name=GROUP, division=DivisionFactory(name=DIVISION))
    for member, name, email in zip(members, NAMES, EMAILS, strict=True):
        User.objects.filter(pk=member.pk).update(display_name=name, email=email)
    return group, members


def _exports(hostile, client) -> dict[str, str]:
    """Every CSV download in the app, as the person allowed to take it."""
    group, members = hostile
    organiser, mentor = StaffFactory(), group.mentors.get()
    client.force_login(organiser)
    bodies = {kind: _body(client.get(reverse("analytics:export", args=[kind]))) for kind in EXPORTS}
    client.force_login(mentor)
    bodies["mentor report"] = _body(client.get("/mentor/report/?format=csv"))
    bodies["member report"] = _body(client.get(f"/report/?user={members[0].pk}&format=csv"))
    return bodies


def test_no_text_cell_of_any_export_starts_like_a_formula(hostile, client):
    bodies = _exports(hostile, client)
    assert set(bodies) == {*EXPORTS, "mentor report", "member report"}
    for name, body in bodies.items():
        rows = list(csv.reader(io.StringIO(body, newline="")))
        assert len(rows) > 1, name
        for row in rows:
            for cell in row:
                assert _is_number(cell) or not cell.startswith(FORMULA_STARTS), (name, cell)


def test_hostile_values_go_out_quoted_not_dropped(hostile, client):
    bodies = _exports(hostile, client)
    cells = {
        name: {cell for row in csv.reader(io.StringIO(body, newline="")) for cell in row}
        for name, body in bodies.items()
    }
    assert {f"'{e}" for e in EMAILS} <= cells["members"]
    assert {f"'{n}" for n in NAMES} <= cells["members"]
    assert {f"'{GROUP}", f"'{DIVISION}"} <= cells["members"]
    assert {f"'{e}" for e in EMAILS} <= cells["activity"]
    assert {f"'{n}" for n in NAMES} <= cells["leaderboards"]
    assert f"'{EMAILS[0]}" in cells["mentor report"]
    assert {f"'{NAMES[0]}", f"'{EMAILS[0]}", f"'{GROUP}"} <= cells["member report"]
