"""The chart prints figures formatted once in Python (charts.Bar.*_text): each must equal what
the template's filters printed before (floatformat:'1u', add, intcomma), for both shapes."""

import pytest
from django.template import engines

from cohort.analytics.charts import bar_chart, column_chart

_FILTERS = engines["django"].from_string(
    "{% load humanize %}{% for b in chart.bars %}"
    "{{ b.x|floatformat:'1u' }} {{ b.y|floatformat:'1u' }} {{ b.width|floatformat:'1u' }} "
    "{{ b.height|floatformat:'1u' }} {{ b.y|add:12|floatformat:'1u' }} "
    "{{ b.x|add:b.width|add:6|floatformat:'1u' }} {{ b.value|intcomma }}|{% endfor %}"
)
_TEXTS = engines["django"].from_string(
    "{% for b in chart.bars %}{{ b.x_text }} {{ b.y_text }} {{ b.width_text }} "
    "{{ b.height_text }} {{ b.label_y_text }} {{ b.value_x_text }} {{ b.value_text }}|{% endfor %}"
)


@pytest.mark.parametrize("make", [column_chart, bar_chart])
@pytest.mark.parametrize("count", [1, 3, 14, 31])
def test_the_texts_match_the_filters_they_replace(make, count):
    values = [0, 7, 1_234, 98_765, 1_234_567, 25, 333_333]
    rows = [(f"Day {i}", values[i % len(values)] * (i + 1)) for i in range(count)]
    chart = make(slug="steps", title="Steps", description="d", rows=rows, value_label="Steps")

    assert _TEXTS.render({"chart": chart}) == _FILTERS.render({"chart": chart})
