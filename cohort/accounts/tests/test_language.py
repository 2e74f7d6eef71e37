"""The language of pages, API errors, notifications and emails: the member's profile
language, else the sign-in page's switcher (a cookie), else Accept-Language, else English."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from cohort.accounts.services.profile import ProfileInvalid, profile_update
from cohort.accounts.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_follows_accept_language(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
    html = response.content.decode()
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in html
    assert "<h1>Iniciar sesión</h1>" in html
    assert "Accept-Language" in response["Vary"]


def test_hindi_and_english_by_the_header_and_english_otherwise(client):
    hindi = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "<h1>साइन इन करें</h1>" in hindi
    english = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<h1>Sign in</h1>" in english and '<html lang="en">' in english


def test_the_switcher_sets_a_cookie_and_no_session(client):
    response = client.post(
        reverse("set_language"), {"language": "es", "next": "/login/"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # anonymous: no session
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Iniciar sesión</h1>" in page  # the cookie over the header


def test_an_anonymous_page_in_spanish_creates_no_session(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="es")
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_the_profile_language_wins_over_the_header(client):
    member = MemberFactory(language="es")
    client.force_login(member)
    html = client.get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in html and ">Cerrar sesión</button>" in html
    member.language = ""
    member.save(update_fields=["language"])
    html = client.get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert '<html lang="hi">' in html  # no profile language: the browser's


def test_a_member_chooses_their_language_on_the_profile(client):
    member = MemberFactory()
    client.force_login(member)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="language"' in page and "हिन्दी" in page
    response = client.post(
        reverse("accounts:profile"),
        {
            "profile": "1",
            "display_name": member.display_name,
            "time_zone": member.time_zone,
            "marker_colour": member.marker_colour,
            "language": "hi",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.language == "hi"


def test_the_service_refuses_an_unknown_language():
    member = MemberFactory()
    with pytest.raises(ProfileInvalid) as refused:
        profile_update(user=member, language="fr")
    assert refused.value.field == "language"


def test_api_errors_come_in_the_request_language(client):
    response = client.post(
        "/api/v1/auth/login",
        data=json.dumps({"email": "nobody@example.com", "password": "wrong"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Ese correo y esa contraseña no coinciden."}


def test_the_api_takes_the_profile_language_and_can_change_it(client):
    member = MemberFactory(language="es")
    client.force_login(member)
    response = client.get("/api/v1/activity/not-a-day", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "no es una fecha" in response.json()["detail"]
    changed = client.patch(
        "/api/v1/me", data=json.dumps({"language": "hi"}), content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["language"] == "hi"


def test_the_apis_own_401_comes_in_the_request_language(client):
    anonymous = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="es")
    assert anonymous.status_code == 401 and anonymous.json() == {"detail": "No autorizado"}
    english = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json() == {"detail": "Unauthorized"}
