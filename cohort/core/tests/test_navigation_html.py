"""The navigation built once per role and page (nav_html) is the markup base.html's loop over
nav_items drew, for every role and current page."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template

from cohort.core.navigation import EVERYONE, nav_html, nav_items

LOOP = Template(
    '{% for item in nav_items %}<li><a href="{% url item.url_name %}"'
    '{% if item.is_current %} aria-current="page"{% endif %}>{{ item.label }}</a></li>\n'
    "        {% endfor %}"
)
PAGES = [("dashboard", "home"), ("dashboard", "map"), ("competition", "leaderboards"),
         ("mentoring", "mentor"), ("", ""), ("notifications", "list")]  # fmt: skip


@pytest.mark.parametrize("role", sorted(EVERYONE))
@pytest.mark.parametrize("app,name", PAGES)
def test_the_built_navigation_is_the_loops(role, app, name):
    user = SimpleNamespace(is_authenticated=True, role=role)
    match = SimpleNamespace(app_name=app, url_name=name)
    expected = LOOP.render(Context({"nav_items": nav_items(user, match)}))
    assert nav_html(user, match) == expected


def test_nobody_signed_in_has_no_navigation():
    assert nav_html(SimpleNamespace(is_authenticated=False), None) == ""
