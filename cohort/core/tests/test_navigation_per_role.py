"""The navigation fits the role, from one place (cohort.core.navigation): members are offered
the member pages, staff are not offered member-only things."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _nav(client) -> list[str]:
    html = client.get(reverse("dashboard:home")).content.decode()
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


def test_a_member_is_offered_the_member_pages(client, member):
    client.force_login(member)
    nav = _nav(client)
    for label in ("Activity", "Season", "Submissions", "Report", "My group", "Profile"):
        assert label in nav
    assert "Mentor" not in nav and "Analytics" not in nav


@pytest.mark.parametrize("role", ["mentor", "coordinator", "organiser"])
def test_staff_are_not_offered_member_only_pages(client, staff_of_role, role):
    client.force_login(staff_of_role(role))
    nav = _nav(client)
    for label in ("Activity", "Season", "Submissions", "Report", "My group"):
        assert label not in nav, label
    assert "Mentor" in nav and "Groups" in nav and "Profile" in nav
    assert ("Analytics" in nav) == (role != "mentor")
