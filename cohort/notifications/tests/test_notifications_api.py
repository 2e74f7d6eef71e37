import pytest

from cohort.accounts.tests.factories import MemberFactory
from cohort.notifications.models import Notification
from cohort.notifications.services import NotificationDraft, notifications_create

# Real commits, as in production, so the cache is invalidated when each request commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def member(client):
    member = MemberFactory()
    client.force_login(member)
    return member


def _notify(member, n: int) -> list[int]:
    notifications_create(
        drafts=[NotificationDraft(member.pk, f"news {i}", "/map/", f"k{i}") for i in range(n)]
    )
    return list(
        Notification.objects.filter(recipient=member).order_by("id").values_list("id", flat=True)
    )


def test_pages_newest_first_and_follows_the_cursor_to_the_end(client, member):
    ids = _notify(member, 25)
    _notify(MemberFactory(), 3)  # someone else's
    first = client.get("/api/v1/notifications").json()
    assert [n["id"] for n in first["results"]] == ids[::-1][:20]
    assert first["previous"] is None and first["next"]
    second = client.get(first["next"]).json()
    assert [n["id"] for n in second["results"]] == ids[::-1][20:]
    assert second["next"] is None


def test_unread_only_and_the_count(client, member):
    ids = _notify(member, 3)
    Notification.objects.filter(pk=ids[0]).update(read_at="2026-01-01T00:00:00Z")
    unread = client.get("/api/v1/notifications?unread=true").json()["results"]
    assert {n["id"] for n in unread} == set(ids[1:])
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread_count": 2}
    assert client.get("/api/v1/me").json()["unread_count"] == 2


def test_marking_read_by_ids_ignores_others_notifications(client, member):
    mine = _notify(member, 3)
    theirs = _notify(MemberFactory(), 1)
    response = client.post(
        "/api/v1/notifications/read", {"ids": [mine[0], theirs[0]]}, content_type="application/json"
    )
    assert response.json() == {"marked": 1, "unread_count": 2}
    assert Notification.objects.get(pk=theirs[0]).read_at is None
    response = client.post(
        "/api/v1/notifications/read", {"all": True}, content_type="application/json"
    )
    assert response.json() == {"marked": 2, "unread_count": 0}


@pytest.mark.parametrize("payload", [{}, {"ids": [1], "all": True}, {"ids": "x"}])
def test_a_bad_mark_request_is_422(client, member, payload):
    response = client.post("/api/v1/notifications/read", payload, content_type="application/json")
    assert response.status_code == 422
    assert "detail" in response.json()


def test_a_forged_cursor_is_a_clear_error(client, member):
    response = client.get("/api/v1/notifications?cursor=%%%not-base64")
    assert response.status_code == 422
    assert "detail" in response.json()


def test_signed_out_is_401(client):
    assert client.get("/api/v1/notifications/unread-count").status_code == 401
