"""/profile/devices/: connecting through the fake's consent page, the state checked,
disconnecting; the devices API; who may see what."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from cohort.accounts.tests.factories import StaffFactory
from cohort.activity.models import DailyActivity
from cohort.devices.models import DeviceConnection
from cohort.devices.tests.fakes.google_health import CLIENT_ID


def _allow(consent_url: str) -> tuple[str, dict]:
    """The member presses Allow on the fake's consent page: where it sends them back."""
    page = requests.get(consent_url, timeout=5)
    assert page.status_code == 200, page.text
    query = {k: v[-1] for k, v in parse_qs(urlsplit(consent_url).query).items()}
    answer = requests.post(
        consent_url.split("?")[0],
        data={**query, "decision": "allow"},
        allow_redirects=False,
        timeout=5,
    )
    back = urlsplit(answer.headers["Location"])
    return back.path, {k: v[-1] for k, v in parse_qs(back.query).items()}


def test_member_connects_and_the_window_is_back_filled(google, walker, today, signed_in):
    client = signed_in(walker)
    google.user_id = "hu-42"
    google.steps[("hu-42", today)] = 6_500
    page = client.get("/profile/devices/")
    assert page.status_code == 200 and b"Google Health" in page.content
    start = client.post("/profile/devices/google_health/connect/")
    assert start.status_code == 302 and f"client_id={CLIENT_ID}" in start["Location"]
    path, params = _allow(start["Location"])
    assert path == "/profile/devices/google_health/callback/"
    done = client.get(path, params, follow=True)
    assert b"7 days filled in" in done.content
    conn = DeviceConnection.objects.get(user=walker)
    assert (conn.status, conn.external_user_id, conn.days_filled) == ("active", "hu-42", 7)
    assert DailyActivity.objects.get(user=walker, date=today).steps == 6_500
    assert b"Disconnect" in client.get("/profile/devices/").content


def test_a_state_mismatch_is_refused(google, walker, signed_in):
    client = signed_in(walker)
    start = client.post("/profile/devices/google_health/connect/")
    path, params = _allow(start["Location"])
    answer = client.get(path, {**params, "state": "forged"})
    assert answer.status_code == 422
    assert b"expired or was not yours" in answer.content
    assert not DeviceConnection.objects.exists()


def test_a_callback_without_a_started_connection_is_refused(google, walker, signed_in):
    answer = signed_in(walker).get(
        "/profile/devices/google_health/callback/", {"code": "x", "state": "y"}
    )
    assert answer.status_code == 422 and not DeviceConnection.objects.exists()


def test_cancel_on_the_consent_page_connects_nothing(google, walker, signed_in):
    answer = signed_in(walker).get(
        "/profile/devices/google_health/callback/", {"error": "access_denied", "state": "s"}
    )
    assert answer.status_code == 400 and b"did not give access" in answer.content


def test_disconnect_revokes_and_erases_the_tokens(google, walker, connected, signed_in):
    conn = connected()
    refresh = conn.tokens.refresh_token
    answer = signed_in(walker).post("/profile/devices/google_health/disconnect/", follow=True)
    assert b"Disconnected" in answer.content
    conn.refresh_from_db()
    assert conn.status == "disconnected" and conn.access_token_encrypted == ""
    assert google.revoked == [refresh]


def test_disconnect_forgets_the_tokens_even_when_revoking_fails(
    google, walker, connected, signed_in
):
    from cohort.devices.tests.fakes.server import FakeResponse

    conn = connected()
    google.fail_next(FakeResponse(503, {"error": "x"}), path="/revoke")
    signed_in(walker).post("/profile/devices/google_health/disconnect/")
    conn.refresh_from_db()
    assert conn.status == "disconnected" and conn.refresh_token_encrypted == ""


def test_reconnect_needed_is_shown(google, walker, connected, signed_in):
    conn = connected()
    DeviceConnection.objects.filter(pk=conn.pk).update(status="reconnect", last_error="gone")
    page = signed_in(walker).get("/profile/devices/")
    assert b"reconnect needed" in page.content and b"Reconnect" in page.content


def test_no_provider_enabled_says_so(walker, signed_in, settings):
    settings.GOOGLE_HEALTH_CLIENT_ID = ""
    page = signed_in(walker).get("/profile/devices/")
    assert b"No device provider is enabled" in page.content
    assert signed_in(walker).post("/profile/devices/google_health/connect/").status_code == 404


@pytest.mark.parametrize("role", ["mentor", "coordinator", "organiser"])
def test_staff_have_no_device_page(google, db, signed_in, role):
    staff = StaffFactory(role=role)
    assert signed_in(staff).get("/profile/devices/").status_code == 403
    assert signed_in(staff).post("/profile/devices/google_health/connect/").status_code == 403


def test_the_profile_links_to_the_device_page(walker, signed_in):
    assert b'href="/profile/devices/"' in signed_in(walker).get("/profile/").content


def test_api_lists_the_members_connections(google, walker, connected, signed_in):
    connected()
    answer = signed_in(walker).get("/api/v1/devices")
    assert answer.status_code == 200
    (row,) = answer.json()
    assert row["provider"] == "google_health" and row["status"] == "active"
    assert "token" not in str(row).lower()


def test_api_refuses_staff(google, db, signed_in):
    answer = signed_in(StaffFactory()).get("/api/v1/devices")
    assert answer.status_code == 403 and "detail" in answer.json()


def test_a_member_sees_only_their_own_connection(google, walker, connected, signed_in):
    from cohort.accounts.tests.factories import MemberFactory

    other = MemberFactory()
    connected(other)
    assert signed_in(walker).get("/api/v1/devices").json()[0]["status"] == "not_connected"
    assert b"Disconnect" not in signed_in(walker).get("/profile/devices/").content


def test_the_page_lets_its_forms_go_to_the_consent_page(google, walker, signed_in):
    """form-action covers the redirect a Connect form's POST answers with."""
    page = signed_in(walker).get("/profile/devices/")
    policy = page["Content-Security-Policy"]
    form_action = next(d for d in policy.split(";") if "form-action" in d)
    assert google.url in form_action and "'self'" in form_action
