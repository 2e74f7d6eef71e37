"""The dashboard's member rows as HTML, built in Python: the same markup templates/dashboard/
_rows.html drew with a loop of ~20 template nodes a row, at a fraction of the cost (the page
is the one every member opens). Every text is escaped here; numbers and dates are formatted
in the active language, each value once, with that language's formats looked up once a page.
"""

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from cohort.core.numbers import Numbers
from cohort.core.templatetags.cohort_format import distance
from cohort.dashboard.rows import DashboardRow


def dashboard_rows_html(
    rows: list[DashboardRow], *, viewer_id: int, show_group: bool, show_season: bool
) -> SafeString:
    """The <tr> of each row, as _rows.html drew them (the viewer's row marked)."""
    numbers = Numbers()
    words = _words()
    # Every value in the rows is escaped or a formatted number.
    html = "".join(
        _row(r, numbers, words, r.user_id == viewer_id, show_group, show_season) for r in rows
    )
    return mark_safe(html)  # noqa: S308


def _words() -> dict:
    """The rows' words in the active language, looked up once a page, escaped."""
    return {
        "you": escape(gettext("you")),
        "on": escape(gettext("on %(path)s")),
        "progress": escape(gettext("%(name)s's progress")),
        "day": escape(gettext("%(count)s day")),
        "days": escape(gettext("%(count)s days")),
        "never": escape(gettext("never")),
    }


def _row(
    r: DashboardRow, numbers: Numbers, words: dict, is_viewer: bool, show_group, show_season
) -> str:
    name = escape(r.name)
    progress = numbers.plain(r.progress)
    # Attributes are read by machines (assistive tech, CSS): never the language's comma.
    raw = escape(str(r.progress))
    cells = [
        f'<td><span class="dot" style="background: {escape(r.marker_colour)}" '
        f'aria-hidden="true"></span> {name}'
        + (f' <span class="badge muted-badge">{words["you"]}</span>' if is_viewer else "")
        + "</td>"
    ]
    if show_group:
        cells.append(f"<td>{escape(r.group)}</td>")
    path = (
        '<br><span class="muted small">'
        + words["on"].replace("%(path)s", escape(r.path_name))
        + "</span>"
        if r.path_name
        else ""
    )
    label = words["progress"].replace("%(name)s", name)
    cells.append(
        f'<td class="num"><span class="bar" role="progressbar" aria-valuemin="0" '
        f'aria-valuemax="100" aria-valuenow="{raw}" aria-label="{label}">'
        f'<span style="width: {raw}%"></span></span> {progress}% · '
        f"{escape(distance(r.distance, r.unit))}{path}</td>"
    )
    cells.append(f"<td>{escape(r.milestone) or '—'}</td>")
    cells.append(f'<td class="num">{numbers.grouped(r.today_steps)}</td>')
    cells.append(f'<td class="num">{numbers.grouped(r.week_steps)}</td>')
    streak = (
        words["day" if r.streak == 1 else "days"].replace("%(count)s", numbers.plain(r.streak))
        if r.streak
        else "—"
    )
    cells.append(f'<td class="num">{streak}</td>')
    if show_season:
        cells.append(f'<td class="num">{escape(numbers.grouped(r.season_points))}</td>')
    logged = date_format(r.last_logged_on, "D j M") if r.last_logged_on else ""
    cells.append(f"<td>{escape(logged) or words['never']}</td>")
    opening = '<tr class="viewer">' if is_viewer else "<tr>"
    return "\n" + opening + "\n  " + "\n  ".join(cells) + "\n</tr>"
