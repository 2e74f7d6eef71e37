"""Web Push against a local push service (push_server.py): each push's VAPID header is
verified with py_vapid and its aes128gcm body decrypted with the device's own keys, so a
test that passes proves a real push a browser could read."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.test import Client

from cohort.accounts.tests.factories import MemberFactory
from cohort.notifications.models import Notification, NotificationPreference, PushSubscription
from cohort.notifications.push import push_due_send
from cohort.notifications.services import NotificationDraft, notifications_create
from cohort.notifications.tests.push_server import (
    PushDevice,
    push_service_start,
    vapid_claims,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/notifications/push-subscriptions"


@pytest.fixture
def push_service():
    service, server = push_service_start()
    yield service
    server.shutdown()
    server.server_close()


@pytest.fixture
def vapid(settings):
    """The site's VAPID keys (made as generate_vapid_keys makes them), push to 127.0.0.1."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("generate_vapid_keys", stdout=out, stderr=StringIO())
    keys = dict(line.split("=", 1) for line in out.getvalue().split())
    settings.VAPID_PUBLIC_KEY = keys["VAPID_PUBLIC_KEY"]
    settings.VAPID_PRIVATE_KEY = keys["VAPID_PRIVATE_KEY"]
    settings.VAPID_SUBJECT = "mailto:ops@cohort.example"
    settings.PUSH_ENABLED = True
    settings.PUSH_SERVICE_HOSTS = ["http://127.0.0.1"]
    return settings


def _subscribe(member, device: PushDevice):
    client = Client()
    client.force_login(member)
    return client.post(API, device.subscription_json(), content_type="application/json")


def _notify(member, text="You reached Burgos", kind=Notification.Kind.DASHBOARD, key=None):
    return notifications_create(
        drafts=[NotificationDraft(member.pk, text, "/map/", key or text, kind)]
    )


def test_subscribing_saves_the_browser_and_a_push_reaches_it(
    vapid, push_service, django_capture_on_commit_callbacks
):
    member = MemberFactory()
    device = PushDevice(push_service.url("/push/a"))
    answer = _subscribe(member, device)
    assert answer.status_code == 201, answer.content
    assert PushSubscription.objects.get().user == member

    # The push job is queued once the notification commits, and runs (eagerly here).
    with django_capture_on_commit_callbacks(execute=True):
        _notify(member)
    [push] = push_service.to("/push/a")
    payload = device.read(push)
    assert payload["body"] == "You reached Burgos"
    note = Notification.objects.get()
    assert payload["url"] == f"/notifications/{note.pk}/open/"
    claims = vapid_claims(push, vapid.VAPID_PUBLIC_KEY)
    assert claims["aud"] == push_service.origin
    assert claims["sub"] == "mailto:ops@cohort.example"
    assert claims["exp"] > dt.datetime.now(dt.UTC).timestamp()
    assert int(push.headers["ttl"]) > 0
    assert note.pushed_at is not None

    # Pushed once: running the job again sends nothing.
    assert push_due_send().sent == 0
    assert len(push_service.to("/push/a")) == 1


def test_subscribing_needs_the_session_and_its_csrf_token(vapid, push_service):
    member = MemberFactory()
    device = PushDevice(push_service.url("/push/a"))
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    refused = client.post(API, device.subscription_json(), content_type="application/json")
    assert refused.status_code == 403
    assert (
        Client().post(API, device.subscription_json(), content_type="application/json").status_code
        == 401
    )
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"endpoint": "https://attacker.example/collect"}, "not one this site sends to"),
        ({"endpoint": "http://fcm.googleapis.com/x"}, "not one this site sends to"),
        ({"keys": {"p256dh": "AAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "P-256"),
        ({"keys": {"p256dh": None, "auth": "short"}}, "16 bytes"),
    ],
)
def test_a_bad_subscription_is_refused_with_the_reason(vapid, push_service, change, detail):
    member = MemberFactory()
    device = PushDevice(push_service.url("/push/a"))
    body = {**device.subscription_json(), **change}
    if change.get("keys", {}).get("p256dh", "") is None:
        body["keys"]["p256dh"] = device.p256dh
    client = Client()
    client.force_login(member)
    answer = client.post(API, body, content_type="application/json")
    assert answer.status_code == 422
    assert detail in answer.json()["detail"]
    assert not PushSubscription.objects.exists()


def test_push_is_off_without_vapid_keys(settings, push_service):
    settings.PUSH_ENABLED = False
    member = MemberFactory()
    answer = _subscribe(member, PushDevice(push_service.url("/push/a")))
    assert answer.status_code == 422
    assert "not set up" in answer.json()["detail"]
    client = Client()
    client.force_login(member)
    page = client.get("/notifications/").content.decode()
    assert 'data-testid="push-off"' in page and "VAPID" in page


def test_only_the_kinds_the_member_chose_are_pushed(vapid, push_service):
    member = MemberFactory()
    device = PushDevice(push_service.url("/push/a"))
    _subscribe(member, device)
    NotificationPreference.objects.filter(user=member).update(push_profile=False)
    _notify(member, "New group password", kind=Notification.Kind.PROFILE)
    _notify(member, "You reached León", kind=Notification.Kind.DASHBOARD)
    assert push_due_send().sent == 1
    [push] = push_service.to("/push/a")
    assert device.read(push)["body"] == "You reached León"


def test_a_device_gets_what_arrives_after_it_subscribed_not_the_backlog(vapid, push_service):
    member = MemberFactory()
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)):
        _notify(member, "old news")
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, 5, tzinfo=dt.UTC)):
        device = PushDevice(push_service.url("/push/a"))
        _subscribe(member, device)
        _notify(member, "fresh news")
        assert push_due_send().sent == 1
    [push] = push_service.to("/push/a")
    assert device.read(push)["body"] == "fresh news"


def test_quiet_hours_are_read_in_each_members_zone_and_hold_until_they_end(vapid, push_service):
    """22:00-07:00 for a member in Kolkata and one in Chicago. At 17:30 UTC it is 23:00 in
    Kolkata (quiet: held) and 12:30 in Chicago (pushed); at 02:00 UTC it is 07:30 in
    Kolkata: the held one goes, once, and Chicago's (now 21:00) is not sent again."""
    quiet = {"quiet_hours_start": dt.time(22), "quiet_hours_end": dt.time(7)}
    kolkata = MemberFactory(time_zone="Asia/Kolkata")
    chicago = MemberFactory(time_zone="America/Chicago")
    devices = {}
    start = dt.datetime(2026, 6, 1, 17, 30, tzinfo=dt.UTC)
    assert start.astimezone(zoneinfo.ZoneInfo("Asia/Kolkata")).hour == 23
    with time_machine.travel(start, tick=False):
        for member, path in ((kolkata, "/push/kolkata"), (chicago, "/push/chicago")):
            devices[path] = PushDevice(push_service.url(path))
            _subscribe(member, devices[path])
            NotificationPreference.objects.filter(user=member).update(**quiet)
            _notify(member, f"news for {path}")
        outcome = push_due_send()
    assert (outcome.sent, outcome.held) == (1, 1)
    assert push_service.to("/push/kolkata") == []
    assert len(push_service.to("/push/chicago")) == 1

    with time_machine.travel(dt.datetime(2026, 6, 2, 2, 0, tzinfo=dt.UTC), tick=False):
        outcome = push_due_send()
    assert (outcome.sent, outcome.held) == (1, 0)
    [held] = push_service.to("/push/kolkata")
    assert devices["/push/kolkata"].read(held)["body"] == "news for /push/kolkata"
    assert len(push_service.to("/push/chicago")) == 1


@pytest.mark.parametrize(
    ("start", "end", "now", "quiet"),
    [
        (dt.time(22), dt.time(7), dt.time(23, 59), True),
        (dt.time(22), dt.time(7), dt.time(6, 59), True),
        (dt.time(22), dt.time(7), dt.time(7), False),
        (dt.time(13), dt.time(14), dt.time(13, 30), True),
        (dt.time(13), dt.time(14), dt.time(14, 1), False),
        (dt.time(9), dt.time(9), dt.time(9), False),
        (None, None, dt.time(3), False),
    ],
)
def test_quiet_hours_span_midnight_when_they_start_after_they_end(start, end, now, quiet):
    preference = NotificationPreference(quiet_hours_start=start, quiet_hours_end=end)
    assert preference.is_quiet_at(now) is quiet


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_says_is_gone_is_removed(vapid, push_service, status):
    member = MemberFactory()
    gone, alive = PushDevice(push_service.url("/gone")), PushDevice(push_service.url("/alive"))
    _subscribe(member, gone)
    _subscribe(member, alive)
    push_service.statuses["/gone"] = status
    _notify(member)
    outcome = push_due_send()
    assert (outcome.sent, outcome.removed, outcome.failed) == (1, 1, 0)
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [alive.endpoint]
    _notify(member, "second")
    push_due_send()
    assert len(push_service.to("/gone")) == 1 and len(push_service.to("/alive")) == 2


def test_a_refusal_for_another_reason_is_counted_and_the_subscription_kept(vapid, push_service):
    member = MemberFactory()
    _subscribe(member, PushDevice(push_service.url("/busy")))
    push_service.statuses["/busy"] = 500
    _notify(member)
    outcome = push_due_send()
    assert (outcome.sent, outcome.failed, outcome.removed) == (0, 1, 0)
    assert PushSubscription.objects.count() == 1


def test_a_read_notification_is_not_pushed(vapid, push_service):
    member = MemberFactory()
    _subscribe(member, PushDevice(push_service.url("/push/a")))
    _notify(member)
    Notification.objects.update(read_at=dt.datetime.now(dt.UTC))
    assert push_due_send().sent == 0


def test_unsubscribing_removes_only_the_viewers_own(vapid, push_service):
    member, other = MemberFactory(), MemberFactory()
    mine, theirs = PushDevice(push_service.url("/mine")), PushDevice(push_service.url("/theirs"))
    _subscribe(member, mine)
    _subscribe(other, theirs)
    client = Client()
    client.force_login(member)
    answer = client.delete(API, {"endpoint": theirs.endpoint}, content_type="application/json")
    assert answer.json() == {"removed": 0}
    answer = client.delete(API, {"endpoint": mine.endpoint}, content_type="application/json")
    assert answer.json() == {"removed": 1}
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [other.pk]


def test_a_browser_subscribing_again_for_another_member_moves_to_them(vapid, push_service):
    first, second = MemberFactory(), MemberFactory()
    device = PushDevice(push_service.url("/shared"))
    _subscribe(first, device)
    _subscribe(second, device)
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [second.pk]


def test_push_choices_are_saved_and_a_half_given_quiet_hours_comes_back_with_its_error(vapid):
    member = MemberFactory()
    client = Client()
    client.force_login(member)
    url = "/notifications/preferences/push/"
    answer = client.post(url, {"push_dashboard": "on", "quiet_hours_start": "22:30"})
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "Give both times" in page and 'value="22:30"' in page
    assert 'id="id_quiet_hours_end_error"' in page and "data-error-summary" in page
    answer = client.post(
        url, {"push_dashboard": "on", "quiet_hours_start": "22:30", "quiet_hours_end": "06:45"}
    )
    assert answer.status_code == 302
    saved = NotificationPreference.objects.get(user=member)
    assert (saved.push_dashboard, saved.push_profile) == (True, False)
    assert (saved.quiet_hours_start, saved.quiet_hours_end) == (dt.time(22, 30), dt.time(6, 45))
    assert saved.email_dashboard is False  # the email choices are left as they were
