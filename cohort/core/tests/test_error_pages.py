"""Unknown URLs answer the app's own 404 page (DEBUG off, as in production); the 500 page is
plain HTML that needs no request, database or template context to render."""

import pytest
from django.template import loader

pytestmark = pytest.mark.django_db


def test_an_unknown_url_gets_the_apps_own_404_page(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<title>Page not found · Cohort</title>" in page
    assert 'class="site-header"' in page  # the app's layout, not Django's bare page
    assert 'href="/"' in page
    assert "<h1>Not Found</h1>" not in page


def test_a_signed_in_member_keeps_the_navigation_on_the_404_page(client, settings, member):
    settings.DEBUG = False
    client.force_login(member)
    response = client.get("/definitely/not/here/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'aria-label="Main"' in page and "Page not found" in page


def test_unknown_api_urls_still_answer_json(client):
    response = client.get("/api/v1/no-such-endpoint/12/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_the_500_page_is_plain_and_renders_without_a_request():
    page = loader.get_template("500.html").render()
    assert "Something went wrong" in page
    assert "{%" not in page and "<script" not in page
