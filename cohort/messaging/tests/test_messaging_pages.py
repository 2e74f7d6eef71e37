import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.accounts.models import User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.messaging.models import Announcement, AnnouncementRead, Message
from cohort.messaging.tests.factories import (
    AnnouncementFactory,
    MessageFactory,
    ThreadFactory,
    coordinator_of,
    mentor_of,
)
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_member_sees_announcements_and_marks_one_read(signed_in, member, group):
    made = AnnouncementFactory(audience="groups", groups=[group], title="Walk on Sunday")
    client = signed_in(member)
    page = client.get("/announcements/")
    assert page.status_code == 200
    assert b"Walk on Sunday" in page.content and b"Post an announcement" not in page.content
    response = client.post(f"/announcements/{made.pk}/read/")
    assert response.status_code == 302
    assert AnnouncementRead.objects.filter(user=member, announcement=made).exists()


def test_a_mentor_drafts_then_publishes_from_the_page(signed_in, member, group):
    client = signed_in(mentor_of(group))
    assert b"Post an announcement" in client.get("/announcements/").content
    form = {"title": "Review day", "text": "Bring work", "audience": "groups"}
    response = client.post("/announcements/new/", {**form, "groups": [group.pk], "priority": 1})
    assert response.status_code == 302
    draft = Announcement.objects.get()
    assert draft.status == "draft" and b"Publish" in client.get("/announcements/").content
    client.post(f"/announcements/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert draft.status == "published" and member.notifications.count() == 1


def test_a_form_for_another_group_saves_nothing(signed_in, group):
    client = signed_in(mentor_of(group))
    form = {"title": "x", "text": "y", "audience": "groups", "groups": [GroupFactory().pk]}
    response = client.post("/announcements/new/", {**form, "priority": 0})
    assert response.status_code == 422 and b"not saved" in response.content
    assert not Announcement.objects.exists()


def test_a_broken_cursor_is_a_4xx_page(signed_in, member):
    assert signed_in(member).get("/announcements/?cursor=%%%nope").status_code == 422


def test_the_announcements_page_costs_the_same_for_2_or_20(signed_in, group):
    counts = []
    for rows in (2, 20):
        viewer = MemberFactory(group=group)
        for _ in range(rows):
            AnnouncementFactory(audience="groups", groups=[group])
        counts.append(_queries(signed_in(viewer), "/announcements/"))
        Announcement.objects.all().delete()
    assert counts[0] == counts[1]


def test_the_threads_page_lists_unread_counts_at_the_same_cost(signed_in):
    counts = []
    for rows in (2, 20):
        group = GroupFactory()
        mentor = mentor_of(group)
        for _ in range(rows):
            MessageFactory(thread=ThreadFactory(student=MemberFactory(group=group), mentor=mentor))
        client = signed_in(mentor)
        counts.append(_queries(client, "/messages/"))
    assert counts[0] == counts[1]
    assert b"1 unread" in client.get("/messages/").content


def test_the_thread_page_shows_and_sends_messages(signed_in):
    thread = ThreadFactory()
    MessageFactory(thread=thread, text="First question")
    client = signed_in(thread.mentor)
    assert b"First question" in client.get(f"/messages/{thread.pk}/").content
    response = client.post(f"/messages/{thread.pk}/", {"text": "An answer"})
    assert response.status_code == 302
    htmx = client.post(f"/messages/{thread.pk}/", {"text": "More"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and b"An answer" in htmx.content
    assert Message.objects.filter(thread=thread).count() == 3


def test_the_thread_page_costs_the_same_for_2_or_20_messages(signed_in):
    counts = []
    for rows in (2, 20):
        thread = ThreadFactory()
        for _ in range(rows):
            MessageFactory(thread=thread)
        counts.append(_queries(signed_in(thread.mentor), f"/messages/{thread.pk}/"))
    assert counts[0] == counts[1]


def test_outsiders_get_404_and_organisers_are_audited(signed_in):
    thread = ThreadFactory()
    outsider = MemberFactory(group=thread.student.group)
    assert signed_in(outsider).get(f"/messages/{thread.pk}/").status_code == 404
    organiser = StaffFactory()
    assert signed_in(organiser).get(f"/messages/{thread.pk}/").status_code == 200
    assert AuditEvent.objects.get().actor == organiser


def test_starting_from_the_page(signed_in, member, group):
    mentor = mentor_of(group)
    client = signed_in(member)
    assert mentor.display_name.encode() in client.get("/messages/").content
    response = client.post("/messages/start/", {"user_id": mentor.pk})
    assert response.status_code == 302
    assert client.post("/messages/start/", {"user_id": "nope"}).status_code == 404


def test_pages_need_sign_in(client):
    assert client.get("/announcements/").status_code == 302
    assert client.get("/messages/").status_code == 302


@pytest.mark.parametrize("role", ["member_without_group", "coordinator", "organiser"])
def test_pages_render_for_every_role(signed_in, division, role):
    AnnouncementFactory()
    viewer = {
        "member_without_group": lambda: MemberFactory(group=None),
        "coordinator": lambda: coordinator_of(division),
        "organiser": lambda: StaffFactory(role=User.Role.ORGANISER),
    }[role]()
    client = signed_in(viewer)
    page = client.get("/announcements/")
    assert page.status_code == 200 and b"News" in page.content
    assert (b"Post an announcement" in page.content) == (role != "member_without_group")
    assert client.get("/messages/").status_code == 200
