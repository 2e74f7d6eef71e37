"""Bar charts as plain geometry for the inline SVG in templates/analytics/_chart.html: no
JavaScript, readable at a glance, with the same figures in a table beside each chart."""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import add, floatformat

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
        return floatformat(self.x, "1u")

    @property
    def y_text(self) -> str:
        return floatformat(self.y, "1u")

    @property
    def width_text(self) -> str:
        return floatformat(self.width, "1u")

    @property
    def height_text(self) -> str:
        return floatformat(self.height, "1u")

    @property
    def label_y_text(self) -> str:
        return floatformat(add(self.y, 12), "1u")

    @property
    def value_x_text(self) -> str:
        return floatformat(add(add(self.x, self.width), 6), "1u")


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
