"""The dashboard rows built in Python escape every text and format numbers as the template
filters did (the page's content tests cover the rest)."""

import datetime as dt
from decimal import Decimal

from cohort.dashboard.html import dashboard_rows_html
from cohort.dashboard.rows import DashboardRow


def _row(**fields) -> DashboardRow:
    values = {
        "user_id": 1,
        "name": "Ann",
        "email": "ann@example.com",
        "group": "Blue",
        "marker_colour": "#123456",
        "distance": Decimal("3702.68"),
        "progress": Decimal("45.20"),
        "milestone": "",
        "today_steps": 12345,
        "week_steps": 1234567,
        "last_logged_on": None,
        "streak": 1,
        "season_points": 4321,
        "unit": "km",
    }
    return DashboardRow(**{**values, **fields})


def test_escapes_names_groups_and_milestones():
    row = _row(name="<script>x</script>", group="<b>G</b>", milestone="A & B")
    html = dashboard_rows_html([row], viewer_id=2, show_group=True, show_season=False)
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<td>&lt;b&gt;G&lt;/b&gt;</td>" in html and "<td>A &amp; B</td>" in html


def test_formats_numbers_and_marks_the_viewer():
    row = _row(last_logged_on=dt.date(2025, 3, 3))
    html = dashboard_rows_html([row], viewer_id=1, show_group=False, show_season=True)
    assert '<tr class="viewer">' in html and 'muted-badge">you</span>' in html
    assert "45.20% · 3,702.6 km" in html
    assert '<td class="num">12,345</td>' in html and '<td class="num">1,234,567</td>' in html
    assert '<td class="num">4,321</td>' in html and "1 day</td>" in html
    assert "<td>Mon 3 Mar</td>" in html and "<td>—</td>" in html


def test_a_member_never_logged_reads_never():
    html = dashboard_rows_html([_row(streak=0)], viewer_id=2, show_group=False, show_season=False)
    assert "<td>never</td>" in html and '<td class="num">—</td>' in html


def test_in_spanish_the_text_is_spanish_and_the_attributes_stay_numbers():
    from django.utils import translation

    with translation.override("es"):
        html = dashboard_rows_html([_row()], viewer_id=1, show_group=False, show_season=True)
    # Spanish as Django formats it: a decimal comma, thousands by a no-break space.
    assert "45,20% · 3\xa0702,6 km" in html and '<td class="num">12\xa0345</td>' in html
    assert 'aria-valuenow="45.20"' in html and 'style="width: 45.20%"' in html
    assert 'muted-badge">tú</span>' in html and "1 día</td>" in html
