"""The chart card built in Python (Chart.html, printed by templates/analytics/_chart.html) is
the markup the template's loop drew, for column and bar charts of every length the template
treated apart, with every text escaped."""

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from cohort.analytics.charts import bar_chart, column_chart

# templates/analytics/_chart.html before the chart was built in Python
LOOP = Template("""\
<section class="card" aria-labelledby="chart-{{ chart.slug }}-heading" data-testid="chart-{{ chart.slug }}">
  <h2 id="chart-{{ chart.slug }}-heading">{{ chart.title }}</h2>
  {% if chart.is_empty %}
  <p class="empty">Nothing to show yet.</p>
  {% else %}
  <svg viewBox="0 0 {{ chart.width }} {% if chart.horizontal %}{{ chart.height }}{% else %}{{ chart.height|add:24 }}{% endif %}" width="100%" role="img" aria-labelledby="chart-{{ chart.slug }}-title chart-{{ chart.slug }}-desc" focusable="false">
    <title id="chart-{{ chart.slug }}-title">{{ chart.title }}</title>
    <desc id="chart-{{ chart.slug }}-desc">{{ chart.description }} The table below gives each figure.</desc>
    {% for bar in chart.bars %}
    <g>
      <title>{{ bar.label }}: {{ bar.value_text }}</title>
      <rect x="{{ bar.x_text }}" y="{{ bar.y_text }}" width="{{ bar.width_text }}" height="{{ bar.height_text }}" fill="#1d4ed8" rx="2"></rect>
      {% if chart.horizontal %}
      <text x="{{ bar.x|add:-6 }}" y="{{ bar.label_y_text }}" text-anchor="end" font-size="12" fill="#1f2933">{{ bar.label|truncatechars:20 }}</text>
      <text x="{{ bar.value_x_text }}" y="{{ bar.label_y_text }}" font-size="12" fill="#52606d">{{ bar.value_text }}</text>
      {% elif forloop.last and chart.bars|length > 12 %}
      <text x="{{ chart.width }}" y="{{ chart.height|add:16 }}" text-anchor="end" font-size="11" fill="#52606d">{{ bar.label }}</text>
      {% elif forloop.first or chart.bars|length <= 12 %}
      <text x="{{ bar.x_text }}" y="{{ chart.height|add:16 }}" font-size="11" fill="#52606d">{{ bar.label }}</text>
      {% endif %}
    </g>
    {% endfor %}
  </svg>
  <details>
    <summary>Figures as a table</summary>
    <table class="table">
      <caption class="visually-hidden">{{ chart.title }}</caption>
      <thead><tr><th scope="col">{% if chart.slug == "steps" %}Day{% elif chart.slug == "groups" %}Group{% elif chart.slug == "progress" %}Progress{% else %}Category{% endif %}</th><th scope="col" class="num">{{ chart.value_label }}</th></tr></thead>
      <tbody>{% for bar in chart.bars %}<tr><td>{{ bar.label }}</td><td class="num">{{ bar.value_text }}</td></tr>{% endfor %}</tbody>
    </table>
  </details>
  {% endif %}
</section>
""")  # noqa: E501


@pytest.mark.parametrize("make", [column_chart, bar_chart])
@pytest.mark.parametrize("count", [0, 1, 12, 13, 14, 30])
@pytest.mark.parametrize("slug", ["steps", "groups", "progress", "my-steps"])
def test_the_built_chart_is_the_templates(make, count, slug):
    rows = [(f"Day {i} & a long label", (i * 7919) % 100_000) for i in range(count)]
    chart = make(slug=slug, title="Steps", description="Each day.", rows=rows, value_label="Steps")
    expected = LOOP.render(Context({"chart": chart}))
    assert render_to_string("analytics/_chart.html", {"chart": chart}) == expected


@pytest.mark.parametrize("make", [column_chart, bar_chart])
def test_every_text_is_escaped(make):
    rows = [("<script>x</script>", 5), ("A & B", 1234)]
    chart = make(slug="s<", title="<b>T</b>", description="<i>", rows=rows, value_label="<u>")
    html = chart.html
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "<u>" not in html and 's<"' not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "A &amp; B" in html and "1,234" in html
    assert html == LOOP.render(Context({"chart": chart})).rstrip("\n")


def test_one_decimal_prints_what_floatformat_printed():
    import random

    from django.template.defaultfilters import floatformat

    from cohort.analytics.charts import one_decimal

    rng = random.Random(19)
    values = [0, 0.0, -0.0, -0.04, 0.05, 0.15, 0.25, 2.675, 1e-7, 123456789.95, -3.45, 17, -17]
    values += [rng.uniform(-1000, 1000) for _ in range(20_000)] + list(range(-50, 700))
    values += [round(rng.uniform(0, 640), 2) for _ in range(5_000)]
    for value in values:
        assert one_decimal(value) == floatformat(value, "1u"), value
