"""Bar charts as plain geometry for the inline SVG in templates/analytics/_chart.html: no
JavaScript, readable at a glance, with the same figures in a table beside each chart."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import add, floatformat, truncatechars
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from cohort.core.numbers import Numbers

TENTH = Decimal("0.1")


def one_decimal(value: float) -> str:
    """`value|floatformat:"1u"` (one decimal, half up, unlocalized) without the filter's
    general path: a chart prints 56 to 120 of them."""
    try:
        rounded = Decimal(repr(value)).quantize(TENTH, ROUND_HALF_UP)
    except (InvalidOperation, TypeError):
        return floatformat(value, "1u")
    return f"{rounded if rounded else abs(rounded):.1f}"  # no "-0.0", as the filter


WIDTH = 640
ROW_HEIGHT = 22
COLUMN_AREA_HEIGHT = 160
LABEL_WIDTH = 140
VALUE_WIDTH = 70


@dataclass
class Bar:
    """One bar. The `*_text` fields are what the template prints, formatted here once with the
    same filters the template used (a page draws 14 to 30 bars, each figure up to three times)."""

    label: str
    value: int
    x: float
    y: float
    width: float
    height: float

    @cached_property
    def value_text(self) -> str:
        return intcomma(self.value)

    @property
    def x_text(self) -> str:
        return one_decimal(self.x)

    @property
    def y_text(self) -> str:
        return one_decimal(self.y)

    @property
    def width_text(self) -> str:
        return one_decimal(self.width)

    @property
    def height_text(self) -> str:
        return one_decimal(self.height)

    @property
    def label_y_text(self) -> str:
        return one_decimal(add(self.y, 12))

    @property
    def value_x_text(self) -> str:
        return one_decimal(add(add(self.x, self.width), 6))


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    horizontal: bool
    width: int
    height: int
    bars: list[Bar]
    value_label: str

    @property
    def is_empty(self) -> bool:
        return not any(bar.value for bar in self.bars)

    @property
    def html(self) -> SafeString:
        """The chart's card (templates/analytics/_chart.html prints it): built in Python, the
        same markup the template's loop drew with about 25 nodes a bar."""
        return chart_html(self)


def chart_html(chart: Chart) -> SafeString:
    numbers = Numbers()
    slug, title = escape(chart.slug), escape(chart.title)
    head = (
        f'<section class="card" aria-labelledby="chart-{slug}-heading" '
        f'data-testid="chart-{slug}">\n  <h2 id="chart-{slug}-heading">{title}</h2>\n  '
    )
    if chart.is_empty:
        nothing = escape(gettext("Nothing to show yet."))  # outside the f-string: xgettext
        body = f'\n  <p class="empty">{nothing}</p>\n  '
        return mark_safe(f"{head}{body}\n</section>")  # noqa: S308 (escaped)
    height = numbers.plain(chart.height if chart.horizontal else add(chart.height, 24))
    below = escape(gettext("The table below gives each figure."))
    svg = (
        f'\n  <svg viewBox="0 0 {numbers.plain(chart.width)} {height}" width="100%" role="img" '
        f'aria-labelledby="chart-{slug}-title chart-{slug}-desc" focusable="false">\n'
        f'    <title id="chart-{slug}-title">{title}</title>\n'
        f'    <desc id="chart-{slug}-desc">{escape(chart.description)} '
        f"{below}</desc>\n    "
    )
    label_y = numbers.plain(add(chart.height, 16))
    many = len(chart.bars) > 12
    last = len(chart.bars) - 1
    parts = [svg]
    rows = []
    for i, bar in enumerate(chart.bars):
        label, value = escape(bar.label), escape(bar.value_text)
        x = bar.x_text
        parts.append(
            f"\n    <g>\n      <title>{label}: {value}</title>\n"
            f'      <rect x="{x}" y="{bar.y_text}" width="{bar.width_text}" '
            f'height="{bar.height_text}" fill="#1d4ed8" rx="2"></rect>\n      '
        )
        if chart.horizontal:
            parts.append(
                f'\n      <text x="{numbers.plain(add(bar.x, -6))}" y="{bar.label_y_text}" '
                f'text-anchor="end" font-size="12" fill="#1f2933">'
                f"{escape(truncatechars(bar.label, 20))}</text>\n"
                f'      <text x="{bar.value_x_text}" y="{bar.label_y_text}" font-size="12" '
                f'fill="#52606d">{value}</text>\n      '
            )
        elif i == last and many:
            parts.append(
                f'\n      <text x="{numbers.plain(chart.width)}" y="{label_y}" '
                f'text-anchor="end" font-size="11" fill="#52606d">{label}</text>\n      '
            )
        elif i == 0 or not many:
            parts.append(
                f'\n      <text x="{x}" y="{label_y}" font-size="11" fill="#52606d">'
                f"{label}</text>\n      "
            )
        parts.append("\n    </g>\n    ")
        rows.append(f'<tr><td>{label}</td><td class="num">{value}</td></tr>')
    first_column = {
        "steps": gettext("Day"),
        "groups": gettext("Group"),
        "progress": gettext("Progress"),
    }.get(chart.slug, gettext("Category"))
    as_table = escape(gettext("Figures as a table"))
    parts.append(
        f"\n  </svg>\n  <details>\n    <summary>{as_table}</summary>\n"
        f'    <table class="table">\n      <caption class="visually-hidden">{title}</caption>\n'
        f'      <thead><tr><th scope="col">{first_column}</th><th scope="col" class="num">'
        f"{escape(chart.value_label)}</th></tr></thead>\n"
        f"      <tbody>{''.join(rows)}</tbody>\n    </table>\n  </details>\n  "
    )
    # Every text above is escaped; the numbers are formatted ones.
    return mark_safe(f"{head}{''.join(parts)}\n</section>")  # noqa: S308


def column_chart(
    *, slug: str, title: str, description: str, rows: list[tuple[str, int]], value_label: str
) -> Chart:
    """Vertical bars, one per (label, value), scaled to the largest value."""
    top = max((value for _, value in rows), default=0) or 1
    slot = WIDTH / max(len(rows), 1)
    bars = []
    for i, (label, value) in enumerate(rows):
        height = COLUMN_AREA_HEIGHT * value / top
        bars.append(
            Bar(
                label, value, i * slot + slot * 0.1, COLUMN_AREA_HEIGHT - height, slot * 0.8, height
            )
        )
    return Chart(slug, title, description, False, WIDTH, COLUMN_AREA_HEIGHT, bars, value_label)


def bar_chart(
    *, slug: str, title: str, description: str, rows: list[tuple[str, int]], value_label: str
) -> Chart:
    """Horizontal bars (labels on the left, values on the right), for comparing names."""
    top = max((value for _, value in rows), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(label, value, LABEL_WIDTH, i * ROW_HEIGHT + 3, room * value / top, ROW_HEIGHT - 6)
        for i, (label, value) in enumerate(rows)
    ]
    height = max(len(rows), 1) * ROW_HEIGHT
    return Chart(slug, title, description, True, WIDTH, height, bars, value_label)
