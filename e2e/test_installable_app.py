"""The installable app in Chromium (issue 23): no installability errors (DevTools protocol),
the last dashboard, map and season pages open offline marked as such, a day's steps logged
offline are sent once when the connection returns (and survive a reload while offline), a
sign-out drops the kept pages, and a push reaches a local push service."""

import datetime as dt
import re
import threading
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

from cohort.accounts.tests.factories import GROUP_PASSWORD, STAFF_PASSWORD, MemberFactory
from cohort.activity.models import DailyActivity
from cohort.core.clock import zone_for
from cohort.journeys.tests.factories import path_create
from cohort.notifications.tests.push_server import (
    PushDevice,
    push_service_start,
    vapid_claims,
)
from e2e.conftest import CHROMIUM

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/shots/pwa")


def _shoot(page, name: str) -> None:
    """The page at 390 and 1280 px wide (issue 23's screenshots)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def _sign_in(page, url: str, email: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(GROUP_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/")


_CONTROLLED = """() => Promise.race([
    navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller
        || new Promise((done) => navigator.serviceWorker.addEventListener(
            "controllerchange", done, {once: true}))).then(() => "controlled"),
    new Promise((done) => setTimeout(() => done("not controlled"), 15000)),
])"""


def _worker_in_control(page) -> None:
    """Wait until the service worker is active and controls the page; once more after a
    reload (a first install that the sign-in's navigation cut short registers again)."""
    # evaluate(), not wait_for_function(): the CSP allows no eval, which the latter uses.
    if page.evaluate(_CONTROLLED) != "controlled":
        page.reload()
        assert page.evaluate(_CONTROLLED) == "controlled"


@pytest.fixture(autouse=True)
def _server_quiet_before_the_cache_is_cleared():
    """Requests the pages and the service worker still had in flight when the context closed
    finish before the root conftest clears the cache, so none caches this test's rows (a
    current path) for the next test. Set up after that fixture, so torn down before it."""
    in_flight = [0]
    lock = threading.Lock()

    def started(sender, **kwargs):
        with lock:
            in_flight[0] += 1

    def finished(sender, **kwargs):
        with lock:
            in_flight[0] -= 1

    request_started.connect(started, dispatch_uid="e2e-in-flight-start")
    request_finished.connect(finished, dispatch_uid="e2e-in-flight-end")
    yield
    deadline = time.monotonic() + 10
    while in_flight[0] > 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    request_started.disconnect(dispatch_uid="e2e-in-flight-start")
    request_finished.disconnect(dispatch_uid="e2e-in-flight-end")


@pytest.fixture
def activity_puts():
    """The PUTs of a day that reach the server, counted where they arrive."""
    seen = []

    def record(sender, environ, **kwargs):
        if environ["REQUEST_METHOD"] == "PUT" and environ["PATH_INFO"].startswith(
            "/api/v1/activity/"
        ):
            seen.append(environ.get("HTTP_IDEMPOTENCY_KEY"))

    request_started.connect(record, dispatch_uid="e2e-activity-puts")
    yield seen
    request_started.disconnect(dispatch_uid="e2e-activity-puts")


def test_chromium_finds_nothing_stopping_the_install(live_server, browser, tmp_path):
    """Chromium offers no install in a throwaway (incognito) context, so this one runs in a
    profile of its own, as a phone's browser would."""
    path_create()
    MemberFactory(email="install@example.com")
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(10_000)
        _sign_in(page, live_server.url, "install@example.com")
        _worker_in_control(page)
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == [] and manifest["url"].endswith("/manifest.webmanifest")
    finally:
        context.close()


def test_steps_logged_offline_are_kept_through_a_reload_and_sent_once(
    live_server, page, activity_puts
):
    path_create()
    member = MemberFactory(email="offline@example.com", display_name="Olga Offline")
    _sign_in(page, live_server.url, "offline@example.com")
    _worker_in_control(page)
    for url in ("/", "/map/", "/season/", "/activity/"):  # visited once: kept
        page.goto(f"{live_server.url}{url}")
    page.context.set_offline(True)

    # The kept pages open, marked offline.
    for url, name in (("/", "dashboard"), ("/map/", "map"), ("/season/", "season")):
        page.goto(f"{live_server.url}{url}")
        banner = page.locator("[data-offline-banner]")
        assert banner.is_visible(), url
        assert re.search(r"Offline — as of .+\d", banner.inner_text())
        _shoot(page, f"offline-{name}")

    page.goto(f"{live_server.url}/activity/")
    page.get_by_label("Steps").fill("4321")
    page.get_by_role("button", name="Save").click()
    page.get_by_text(re.compile(r"Kept on this device: 4,321 steps")).wait_for()
    _shoot(page, "offline-activity-kept")

    # A reload while offline keeps the entry (IndexedDB), and nothing was sent.
    page.reload()
    page.get_by_text(re.compile(r"Kept on this device: 4,321 steps")).wait_for()
    assert activity_puts == [] and not DailyActivity.objects.exists()

    # Back online: sent once, the server's answer shown.
    page.context.set_offline(False)
    # Chromium fires "online" itself; a second one at once must not send it again.
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.get_by_text(re.compile(r"Sent: 4,321 steps for .+ are saved")).wait_for()
    _shoot(page, "offline-activity-sent")
    assert DailyActivity.objects.get(user=member).steps == 4321
    page.reload()
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    assert len(activity_puts) == 1 and activity_puts[0]
    assert DailyActivity.objects.filter(user=member).count() == 1
    assert page.locator("[data-outbox]").is_hidden()


def test_a_value_the_server_refuses_is_explained_when_the_connection_returns(
    live_server, page, activity_puts
):
    path_create()
    MemberFactory(email="typo-offline@example.com")
    _sign_in(page, live_server.url, "typo-offline@example.com")
    _worker_in_control(page)
    page.goto(f"{live_server.url}/activity/")
    page.context.set_offline(True)
    page.get_by_label("Steps").fill("250000")
    page.get_by_role("button", name="Save").click()
    page.get_by_text(re.compile(r"Kept on this device: 250,000 steps")).wait_for()
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    refused = page.get_by_text(re.compile(r"Not saved: 250,000 steps"))
    refused.wait_for()
    assert "more than the 100,000 allowed" in refused.inner_text()
    _shoot(page, "offline-activity-refused")
    assert len(activity_puts) == 1 and not DailyActivity.objects.exists()


def test_signing_out_drops_the_kept_pages(live_server, page):
    path_create()
    MemberFactory(email="shared-phone@example.com", display_name="Priya Private")
    _sign_in(page, live_server.url, "shared-phone@example.com")
    _worker_in_control(page)
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login/"))
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/")
    assert page.get_by_role("heading", name="You are offline").is_visible()
    assert "Priya Private" not in page.content()
    _shoot(page, "offline-page")


def test_a_push_reaches_the_local_push_service(live_server, page, settings):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("generate_vapid_keys", stdout=out, stderr=StringIO())
    keys = dict(line.split("=", 1) for line in out.getvalue().split())
    settings.VAPID_PUBLIC_KEY = keys["VAPID_PUBLIC_KEY"]
    settings.VAPID_PRIVATE_KEY = keys["VAPID_PRIVATE_KEY"]
    settings.PUSH_ENABLED = True
    settings.PUSH_SERVICE_HOSTS = ["http://127.0.0.1"]
    service, server = push_service_start()
    try:
        path_create()
        member = MemberFactory(email="push@example.com")
        _sign_in(page, live_server.url, "push@example.com")
        page.goto(f"{live_server.url}/notifications/")
        assert page.get_by_role("heading", name="On your phone (push)").is_visible()
        # Chromium's own push service is out of reach here, so the page hands the server a
        # subscription for the local one, as push.js does with PushManager's.
        device = PushDevice(service.url("/device/1"))
        status = page.evaluate(
            """(subscription) => fetch("/api/v1/notifications/push-subscriptions", {
                method: "POST", credentials: "same-origin",
                headers: {"Content-Type": "application/json", "X-CSRFToken":
                          document.querySelector("[name=csrfmiddlewaretoken]").value},
                body: JSON.stringify(subscription)}).then((r) => r.status)""",
            device.subscription_json(),
        )
        assert status == 201
        # Quiet hours that start two hours from now in the member's zone: not quiet now.
        local = dt.datetime.now(zone_for(member.time_zone))
        page.get_by_label("Quiet hours from").fill(f"{(local.hour + 2) % 24:02d}:00")
        page.get_by_label("Quiet hours until").fill(f"{(local.hour + 3) % 24:02d}:00")
        page.get_by_role("button", name="Save push choices").click()
        page.get_by_text("Your push choices are saved.").wait_for()
        _shoot(page, "push-settings")

        # Half a quiet-hours pair comes back with the error by its field, the time kept.
        page.get_by_label("Quiet hours until").fill("")
        page.get_by_role("button", name="Save push choices").click()
        summary = page.locator("[data-error-summary]")
        assert "Give both times" in summary.inner_text()
        assert summary.evaluate("(node) => node === document.activeElement")
        assert page.get_by_label("Quiet hours from").input_value() != ""
        _shoot(page, "push-settings-error")

        # Passing the first milestone notifies the member: pushed once it commits.
        page.goto(f"{live_server.url}/activity/")
        page.get_by_label("Steps").fill("1500")
        page.get_by_role("button", name="Save").click()
        page.get_by_text(re.compile(r"Saved 1,500 steps")).wait_for()
        [push] = service.to("/device/1")
        assert "Ford" in device.read(push)["body"]
        assert vapid_claims(push, keys["VAPID_PUBLIC_KEY"])["aud"] == service.origin
    finally:
        server.shutdown()
        server.server_close()


def test_the_push_settings_say_when_the_site_has_no_vapid_keys(live_server, page, settings):
    from cohort.accounts.tests.factories import StaffFactory

    settings.PUSH_ENABLED = False
    path_create()
    StaffFactory(role="mentor", email="mentor-push@example.com")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("mentor-push@example.com")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"{live_server.url}/notifications/")
    assert "not set up on this site" in page.get_by_test_id("push-off").inner_text()
    _shoot(page, "push-settings-off-mentor")
