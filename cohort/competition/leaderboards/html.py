"""A board page's rows as HTML, built in Python: the same markup the loop in templates/
competition/leaderboards/page.html drew with about 15 template nodes a row, 50 rows a page,
at a fraction of the cost. Every text is escaped here; numbers are formatted as the template
printed them, with the active language's formats looked up once a page."""

from html import escape as _escape

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from cohort.competition.leaderboards.api import hundredths as hundredths_text
from cohort.competition.leaderboards.selectors import Row
from cohort.competition.leaderboards.standings import GROUPS, PROGRESS
from cohort.core.numbers import Numbers
from cohort.core.templatetags.cohort_format import distance as distance_text


def distance_html(hundredths: int | None, unit: str, numbers: Numbers | None = None) -> str:
    """`{{ hundredths|distance:unit }}` of a score in hundredths (one decimal, rounded
    down, thousands separated in the active language), escaped, without the filter's
    Decimal work; `numbers`: the page's formats, looked up once."""
    if hundredths is None:
        return ""
    if hundredths < 0:
        return escape(distance_text(hundredths_text(hundredths), unit))
    numbers = numbers or Numbers()
    text = f"{numbers.grouped(hundredths // 100)}{numbers.decimal}{hundredths % 100 // 10}"
    return _escape(f"{text} {unit}".strip())


def board_rows_html(
    rows: list[tuple[Row, str, str | None]], *, board: str, unit: str
) -> SafeString:
    """The <tr> of each (row, score text, total text) as the view lists them (distances are
    printed from the row's hundredths), the viewer's row marked."""
    numbers = Numbers()
    unit_html = escape(unit)
    is_distance = board in (PROGRESS, GROUPS)
    badge = escape(gettext("your group") if board == GROUPS else gettext("you"))
    parts = []
    for row, score, _total in rows:
        name = escape(row.name)
        if row.title:
            name += f' <span class="title-chip">{escape(row.title)}</span>'
        if row.is_viewer:
            name += f' <span class="badge">{badge}</span>'
        cells = [f'<td class="num">{numbers.plain(row.rank)}</td>', f"<td>{name}</td>"]
        cells.append("" if board == GROUPS else f'<td class="muted">{escape(row.group_name)}</td>')
        if is_distance:
            cells.append(f'<td class="num">{distance_html(row.score, unit, numbers)}</td>')
        else:
            cells.append(f'<td class="num">{escape(score)} {unit_html}</td>')
        if board == GROUPS:
            cells.append(
                f'<td class="num">{distance_html(row.total, unit, numbers)}</td>'
                f'<td class="num">{numbers.plain(row.active)}</td>'
            )
        else:
            cells.append("")
        opening = '<tr class="viewer" id="me-row">' if row.is_viewer else "<tr>"
        cells_html = "\n        ".join(cells)
        parts.append(f"\n      {opening}\n        {cells_html}\n      </tr>\n    ")
    # Every value above is escaped or a formatted number.
    return mark_safe("".join(parts))  # noqa: S308
