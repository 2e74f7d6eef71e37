"""Form errors are shown where people look: one summary at the top of the page (role=alert,
focusable, a link to each field in error), and each field marked aria-invalid and described
by its own message. Several forms in several apps."""

import re

import pytest
from django.urls import reverse

from cohort.accounts.tests.factories import GroupFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _summary(html: str) -> str:
    found = re.search(r'<div class="error-summary"[^>]*>.*?</div>', html, re.S)
    assert found, "no error summary on the page"
    tag = found.group(0)
    assert 'role="alert"' in tag and 'tabindex="-1"' in tag and "data-error-summary" in tag
    return tag


def _field_marked(html: str, field_id: str) -> None:
    widget = re.search(rf"<(input|select|textarea)[^>]*\bid=\"{field_id}\"[^>]*>", html)
    assert widget, field_id
    assert 'aria-invalid="true"' in widget.group(0)
    described = re.search(r'aria-describedby="([^"]*)"', widget.group(0))
    assert described and f"{field_id}_error" in described.group(1).split()
    assert f'id="{field_id}_error"' in html


def _leader_client(client):
    group = GroupFactory(name="Owls")
    leader = MemberFactory(group=group, has_personal_password=True)
    group.leader = leader
    group.save()
    client.force_login(leader)
    return group


def test_the_group_page_shows_the_add_member_errors_at_the_top(client):
    group = _leader_client(client)
    url = reverse("accounts:group-member-add", kwargs={"group_id": group.pk})
    response = client.post(url, {"email": "not-an-email", "display_name": "Nia"})
    assert response.status_code == 400
    html = response.content.decode()
    summary = _summary(html)
    assert 'href="#id_email"' in summary and "Enter a valid email address." in summary
    # The summary comes before the members list and the forms, right under the heading.
    assert html.index("error-summary") < html.index('id="members-heading"')
    _field_marked(html, "id_email")
    assert 'value="not-an-email"' in html and 'value="Nia"' in html  # what they typed stays


def test_a_service_refusal_on_the_group_page_is_in_the_summary(client):
    group = _leader_client(client)
    MemberFactory(email="taken@example.com")
    url = reverse("accounts:group-member-add", kwargs={"group_id": group.pk})
    response = client.post(url, {"email": "taken@example.com"})
    assert response.status_code == 409
    assert "cannot be added here" in _summary(response.content.decode())


def test_the_group_password_errors_are_summarised_and_marked(client):
    group = _leader_client(client)
    url = reverse("accounts:group-password", kwargs={"group_id": group.pk})
    response = client.post(url, {"password": "walk-the-long-road", "confirm": "different-one"})
    html = response.content.decode()
    assert 'href="#id_confirm"' in _summary(html)
    _field_marked(html, "id_confirm")


def test_the_sign_in_page_summarises_a_wrong_pair(client):
    MemberFactory(email="a@example.com")
    response = client.post(reverse("accounts:login"), {"email": "a@example.com", "password": "x"})
    assert "That email and password do not match." in _summary(response.content.decode())


def test_the_activity_page_summarises_and_marks_the_steps(client):
    client.force_login(MemberFactory())
    response = client.post(reverse("activity:log"), {"steps": "-5"})
    html = response.content.decode()
    assert 'href="#id_steps"' in _summary(html)
    _field_marked(html, "id_steps")


def test_the_profile_summarises_a_bad_leetcode_name(client):
    client.force_login(MemberFactory())
    response = client.post(
        reverse("accounts:profile"), {"leetcode": "1", "leetcode_username": "bad name!"}
    )
    html = response.content.decode()
    assert 'href="#id_leetcode_username"' in _summary(html)
    _field_marked(html, "id_leetcode_username")


def test_pages_without_errors_have_no_summary_and_load_the_focus_script(client):
    _leader_client(client)
    html = client.get(reverse("accounts:group")).content.decode()
    assert "error-summary" not in html
    assert "/static/js/forms.js" in html
