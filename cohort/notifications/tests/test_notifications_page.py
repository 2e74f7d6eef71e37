import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.accounts.tests.factories import MemberFactory
from cohort.notifications.models import Notification, NotificationPreference
from cohort.notifications.services import NotificationDraft, notifications_create
from cohort.notifications.unread import unread_count_changed

# Real commits, as in production, so the cache is invalidated when each change commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def member(client):
    member = MemberFactory()
    client.force_login(member)
    return member


def _notify(member, n: int) -> None:
    notifications_create(
        drafts=[NotificationDraft(member.pk, f"news {i}", "/map/", f"k{i}") for i in range(n)]
    )


def _queries(client, member, url: str, **headers) -> int:
    unread_count_changed([member.pk])  # both measurements count the badge in the database
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **headers).status_code == 200
    return len(queries)


def test_the_page_lists_them_and_loads_more_with_htmx(client, member):
    _notify(member, 23)
    page = client.get("/notifications/").content.decode()
    assert page.count('class="notification unread"') == 20
    assert "23 unread" in page and "Load more" in page
    more = client.get("/notifications/?cursor=" + _next_cursor(page), HTTP_HX_REQUEST="true")
    assert more.content.decode().count('class="notification unread"') == 3
    assert "<html" not in more.content.decode()


def _next_cursor(page: str) -> str:
    start = page.index("cursor=") + len("cursor=")
    return page[start : page.index('"', start)]


def test_the_page_costs_the_same_queries_for_2_and_20_notifications(client, member):
    _notify(member, 2)
    client.get("/notifications/")  # the session's first request writes it; not measured
    few = _queries(client, member, "/notifications/")
    _notify(member, 20)
    assert _queries(client, member, "/notifications/") == few


def test_marking_one_and_all_read_from_the_page(client, member):
    _notify(member, 3)
    first = Notification.objects.filter(recipient=member).order_by("id").first()
    client.post("/notifications/read/", {"id": first.pk})
    assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() == 2
    client.post("/notifications/read/", {"id": "not-a-number"})  # marks nothing, not all
    assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() == 2
    response = client.post("/notifications/read/", {})
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()


def test_the_badge_shows_the_unread_count_and_polls(client, member, settings):
    settings.NOTIFICATION_POLL_SECONDS = 45
    _notify(member, 4)
    badge = client.get("/notifications/badge/").content.decode()
    assert 'aria-label="4 unread"' in badge and 'hx-trigger="every 45s"' in badge
    home = client.get("/").content.decode()
    assert 'id="notification-badge"' in home and 'aria-label="4 unread"' in home


def test_email_choices_are_saved(client, member):
    client.post("/notifications/preferences/", {"email_dashboard": "on", "daily_digest": "on"})
    preference = NotificationPreference.objects.get(user=member)
    assert (preference.email_dashboard, preference.email_profile, preference.daily_digest) == (
        True,
        False,
        True,
    )


def test_signed_out_goes_to_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_notification_of_a_moment_ago_says_just_now(client):
    import datetime as dt

    from django.utils import timezone

    from cohort.accounts.tests.factories import MemberFactory
    from cohort.notifications.models import Notification
    from cohort.notifications.services import NotificationDraft, notifications_create

    member = MemberFactory()
    notifications_create(drafts=[NotificationDraft(member.pk, "Fresh", "/", "fresh")])
    notifications_create(drafts=[NotificationDraft(member.pk, "Older", "/", "older")])
    Notification.objects.filter(text="Older").update(
        created_at=timezone.now() - dt.timedelta(minutes=5)
    )
    client.force_login(member)
    page = client.get("/notifications/").content.decode()
    assert "just now" in page and "0\xa0minutes ago" not in page
    assert "5\xa0minutes ago" in page  # timesince joins with a no-break space
