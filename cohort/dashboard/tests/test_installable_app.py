"""The installable app's files: the manifest, the service worker at the root and the offline
page it precaches. All three are anonymous and write no session."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from cohort.accounts.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
STATIC = Path(settings.BASE_DIR) / "static"


def test_the_manifest_names_the_app_its_icons_and_colours():
    answer = Client().get("/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/manifest+json"
    manifest = json.loads(answer.content)
    assert manifest["name"] == "Cohort" and manifest["short_name"] == "Cohort"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/",
        "/",
        "standalone",
    )
    assert manifest["theme_color"] == "#0f172a" and manifest["background_color"] == "#f6f7f9"
    icons = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert icons == {(s, p) for s in ("192x192", "512x512") for p in ("any", "maskable")}
    for icon in manifest["icons"]:
        png = (STATIC / icon["src"].removeprefix("/static/")).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]


def test_the_service_worker_is_served_from_the_root_fresh_and_under_the_csp():
    answer = Client().get("/sw.js")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert answer["Cache-Control"] == "no-cache"
    assert answer["Service-Worker-Allowed"] == "/"
    assert (
        "'unsafe-inline'"
        not in answer["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
    body = answer.content.decode()
    assert '"/static/css/cohort.css"' in body and '"/offline/"' in body
    assert 'const PAGE_PATHS = ["/", "/map/", "/season/", "/activity/"]' in body
    assert "sessionid" not in answer.cookies


def test_anonymous_requests_for_the_app_files_create_no_session():
    client = Client()
    for url in ("/manifest.webmanifest", "/sw.js", "/offline/"):
        assert client.get(url).status_code == 200
        assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_the_offline_page_shows_nothing_of_the_member_who_fetched_it():
    member = MemberFactory(display_name="Ana Ortega")
    client = Client()
    client.force_login(member)
    page = client.get("/offline/").content.decode()
    assert "You are offline" in page
    assert "Ana Ortega" not in page and 'data-viewer=""' in page
    assert "Sign out" not in page


def test_every_page_links_the_manifest_and_says_who_it_was_made_for(client):
    member = MemberFactory()
    client.force_login(member)
    page = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#0f172a">' in page
    assert f'data-viewer="{member.pk}"' in page
    assert "data-offline-banner hidden" in page and "Offline — as of" in page
    assert "data-outbox" in page


def test_the_activity_form_is_ready_to_keep_steps_offline(client):
    client.force_login(MemberFactory())
    page = client.get("/activity/").content.decode()
    assert "data-offline-log" in page and "data-offline-error" in page
