"""The sign-in, dashboard and season pages in Spanish for a browser that asks for Spanish
(Accept-Language: es), and in Hindi; a member's profile language over the browser's; axe
clean on each. Screenshots at 390 and 1280 px in e2e/artifacts/lang-<lang>-<page>-<width>.png."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .axe import axe_source, axe_violations
from .conftest import ARTIFACTS
from .test_phone_width import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MEMBER = "member1@demo.cohort.example"
WIDTHS = (390, 1280)
# What each page says in each language: the sign-in button, the dashboard's greeting,
# the season page's first heading of its own.
WORDS = {
    "en": {"email": "Email", "password": "Password", "sign_in": "Sign in",
           "hello": "Hello,", "episodes": "Episodes", "nav": "Season"},
    "es": {"email": "Correo electrónico", "password": "Contraseña", "sign_in": "Iniciar sesión",
           "hello": "Hola,", "episodes": "Episodios", "nav": "Temporada"},
    "hi": {"email": "ईमेल", "password": "पासवर्ड", "sign_in": "साइन इन करें",
           "hello": "नमस्ते,", "episodes": "एपिसोड", "nav": "सीज़न"},
}  # fmt: skip


@pytest.fixture
def demo(db):
    quiet = io.StringIO()
    call_command("seed_demo", "--members", "25", "--allow-production", stdout=quiet)


@pytest.fixture(scope="module")
def axe():
    return axe_source()


def _context(browser, locale, width):
    context = browser.new_context(
        locale=locale, viewport={"width": width, "height": 900}, device_scale_factor=1
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _look(page, axe, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert axe_violations(page, axe) == [], name


def _walk(browser, base, axe, language, locale):
    words = WORDS[language]
    for width in WIDTHS:
        context, page = _context(browser, locale, width)
        page.goto(f"{base}/login/")
        assert page.locator("html").get_attribute("lang") == language
        expect(page.get_by_role("heading", level=1)).to_have_text(words["sign_in"])
        _look(page, axe, f"lang-{language}-sign-in-{width}")
        page.get_by_label(words["email"]).fill(MEMBER)
        page.get_by_label(words["password"]).fill(DEMO_PASSWORD)
        page.get_by_role("button", name=words["sign_in"]).click()
        page.wait_for_url(f"{base}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(words["hello"])
        _look(page, axe, f"lang-{language}-dashboard-{width}")
        page.goto(f"{base}/season/")
        expect(page.get_by_role("heading", name=words["episodes"])).to_be_visible()
        _look(page, axe, f"lang-{language}-season-{width}")
        context.close()


def test_spanish_by_accept_language(live_server, browser, axe, demo):
    _walk(browser, live_server.url, axe, "es", "es-ES")


def test_hindi_by_accept_language(live_server, browser, axe, demo):
    _walk(browser, live_server.url, axe, "hi", "hi-IN")


def test_english_otherwise(live_server, browser, axe, demo):
    _walk(browser, live_server.url, axe, "en", "fr-FR")


def test_the_profile_language_wins_over_the_browsers(live_server, browser, axe, demo):
    from cohort.accounts.models import User

    User.objects.filter(email=MEMBER).update(language="es")
    context, page = _context(browser, "en-US", 1280)
    base = live_server.url
    page.goto(f"{base}/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")  # not signed in yet
    page.get_by_label("Email").fill(MEMBER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hola,")
    expect(page.get_by_role("link", name="Temporada")).to_be_visible()
    page.goto(f"{base}/profile/")
    page.get_by_label("Idioma").select_option("hi")
    page.locator("#about").get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("heading", name="आपके बारे में")).to_be_visible()
    _look(page, axe, "lang-hi-profile-1280")
    page.set_viewport_size({"width": 390, "height": 900})
    _look(page, axe, "lang-hi-profile-390")
    context.close()
