"""Following a notification marks it read and goes where it leads, on this site only; the
cached unread count follows at once."""

import pytest

from cohort.accounts.tests.factories import MemberFactory
from cohort.notifications.models import Notification
from cohort.notifications.services import NotificationDraft, notifications_create
from cohort.notifications.unread import unread_count_get

# Real commits, as in production, so the cached count is dropped when each change commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def member(client):
    member = MemberFactory()
    client.force_login(member)
    return member


def _notify(member, link: str, key: str) -> Notification:
    notifications_create(drafts=[NotificationDraft(member.pk, f"news {key}", link, key)])
    return Notification.objects.get(recipient=member, dedupe_key=key)


def test_following_one_marks_it_read_and_goes_to_its_link(client, member):
    first, other = _notify(member, "/map/", "a"), _notify(member, "/season/", "b")
    assert unread_count_get(user_id=member.pk) == 2
    response = client.get(f"/notifications/{first.pk}/open/")
    assert (response.status_code, response["Location"]) == (302, "/map/")
    first.refresh_from_db(), other.refresh_from_db()
    assert first.read_at is not None and other.read_at is None
    assert unread_count_get(user_id=member.pk) == 1
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread_count": 1}


def test_following_it_again_keeps_the_first_read_time(client, member):
    notice = _notify(member, "/map/", "a")
    client.get(f"/notifications/{notice.pk}/open/")
    first_read = Notification.objects.get(pk=notice.pk).read_at
    assert client.get(f"/notifications/{notice.pk}/open/")["Location"] == "/map/"
    assert Notification.objects.get(pk=notice.pk).read_at == first_read


def test_the_list_links_each_one_through_open(client, member):
    notice = _notify(member, "/map/", "a")
    page = client.get("/notifications/").content.decode()
    assert f'href="/notifications/{notice.pk}/open/"' in page
    assert 'href="/map/"' not in page.split('id="notification-list"')[1]


@pytest.mark.parametrize(
    "link",
    ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
     "evil.example", "/\\/evil.example"],
)  # fmt: skip
def test_a_link_off_this_site_goes_to_the_list_instead(client, member, link):
    notice = _notify(member, link, "a")
    response = client.get(f"/notifications/{notice.pk}/open/")
    assert (response.status_code, response["Location"]) == (302, "/notifications/")
    assert Notification.objects.get(pk=notice.pk).read_at is not None


def test_another_members_notification_is_404_and_stays_unread(client, member):
    theirs = _notify(MemberFactory(), "/map/", "a")
    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client.get("/notifications/999999/open/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_signed_out_goes_to_sign_in(client):
    client.logout()
    assert client.get("/notifications/1/open/").status_code == 302
