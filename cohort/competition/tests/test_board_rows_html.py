"""The board page's rows built in Python (leaderboards/html.py) escape every text and print
numbers as the template's filters did."""

import pytest
from django.utils.html import escape

from cohort.competition.leaderboards.api import hundredths
from cohort.competition.leaderboards.html import board_rows_html, distance_html
from cohort.competition.leaderboards.selectors import Row
from cohort.competition.tests.factories import walkers_on_path
from cohort.core.templatetags.cohort_format import distance


def test_escapes_names_titles_and_groups_and_marks_the_viewer():
    row = Row(3, 7, "<script>x</script>", 123456, "<b>G</b>", is_viewer=True, title="A & B")
    html = board_rows_html([(row, "1234.56", None)], board="progress", unit="km")
    assert "<script>" not in html and "<b>" not in html
    assert '<td>&lt;script&gt;x&lt;/script&gt; <span class="title-chip">A &amp; B</span>' in html
    assert '<span class="badge">you</span>' in html and '<td class="muted">&lt;b&gt;G' in html
    assert '<tr class="viewer" id="me-row">' in html and '<td class="num">1,234.5 km</td>' in html


def test_points_and_groups_boards():
    points = Row(1, 7, "Ann", 4321, "Blue")
    html = board_rows_html([(points, "4,321", None)], board="points", unit="points")
    assert '<td class="num">4,321 points</td>' in html
    group = Row(2, 9, "Owls", 99999, total=1234567, active=4, is_viewer=True)
    html = board_rows_html([(group, "999.99", "12345.67")], board="groups", unit="mi")
    assert '<span class="badge">your group</span>' in html and 'class="muted"' not in html
    assert '<td class="num">999.9 mi</td>' in html
    assert '<td class="num">12,345.6 mi</td><td class="num">4</td>' in html


@pytest.mark.parametrize("value", [None, -5, -150, 0, 9, 99, 100, 123456, 10**9 + 99])
@pytest.mark.parametrize("unit", ["km", "", "<i>"])
def test_a_distance_reads_as_the_filter_printed_it(value, unit):
    assert distance_html(value, unit) == escape(distance(hundredths(value), unit))


@pytest.mark.django_db
def test_the_page_escapes_a_member_named_like_a_script(client):
    _, (walker, other) = walkers_on_path([9, 5])
    walker.display_name = "<script>alert(1)</script>"
    walker.save()
    client.force_login(other)
    page = client.get("/leaderboards/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
