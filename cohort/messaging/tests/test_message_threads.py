import pytest

from cohort.accounts.models import User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory, StaffFactory
from cohort.messaging.models import Thread
from cohort.messaging.tests.factories import MessageFactory, ThreadFactory, mentor_of
from cohort.notifications.models import Notification
from cohort.ops.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/messages/threads"


def _send(client, thread, text="Hi"):
    return client.post(f"{URL}/{thread.pk}", {"text": text}, content_type="application/json")


def _unread(client) -> dict[int, int]:
    return {t["id"]: t["unread_count"] for t in client.get(URL).json()["results"]}


def test_a_member_starts_a_thread_with_their_mentor_once(signed_in, member, group):
    mentor = mentor_of(group)
    client = signed_in(member)
    first = client.post(URL, {"user_id": mentor.pk}, content_type="application/json")
    again = client.post(URL, {"user_id": mentor.pk}, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] == Thread.objects.get().pk


def test_a_mentor_starts_one_with_their_student(signed_in, member, group):
    client = signed_in(mentor_of(group))
    response = client.post(URL, {"user_id": member.pk}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["student"]["id"] == member.pk


@pytest.mark.parametrize("who", ["other_mentor", "other_member", "staff"])
def test_not_a_mentor_student_pair_is_404(signed_in, member, group, who):
    mentor_of(group)
    other = {
        "other_mentor": lambda: mentor_of(GroupFactory()),
        "other_member": lambda: MemberFactory(group=group),
        "staff": lambda: StaffFactory(role=User.Role.COORDINATOR),
    }[who]()
    response = signed_in(member).post(URL, {"user_id": other.pk}, content_type="application/json")
    assert response.status_code == 404 and "detail" in response.json()


@pytest.mark.parametrize("payload", [{}, {"user_id": "x"}, {"user_id": None}])
def test_a_bad_start_is_a_4xx(signed_in, member, payload):
    response = signed_in(member).post(URL, payload, content_type="application/json")
    assert response.status_code == 422 and "detail" in response.json()


def test_only_the_two_people_read_or_write_a_thread(signed_in):
    thread = ThreadFactory()
    MessageFactory(thread=thread)
    third_member = MemberFactory(group=thread.student.group)
    other_mentor = mentor_of(thread.student.group)
    for outsider in (third_member, other_mentor):
        client = signed_in(outsider)
        assert client.get(f"{URL}/{thread.pk}").status_code == 404
        assert _send(client, thread).status_code == 404
    assert signed_in(thread.student).get(f"{URL}/{thread.pk}").status_code == 200
    assert not AuditEvent.objects.exists()


def test_an_organiser_reads_any_thread_and_it_is_audited(signed_in):
    thread = ThreadFactory()
    MessageFactory(thread=thread, text="private")
    organiser = StaffFactory()
    client = signed_in(organiser)
    response = client.get(f"{URL}/{thread.pk}")
    assert response.status_code == 200
    assert [m["text"] for m in response.json()["messages"]] == ["private"]
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.target_id) == (
        AuditEvent.Action.MESSAGE_READ_BY_ORGANISER,
        organiser,
        thread.pk,
    )
    assert _send(client, thread).status_code == 404  # reading is not taking part


def test_unread_counts_on_both_sides_and_notifications(signed_in, client):
    thread = ThreadFactory()
    student, mentor = thread.student, thread.mentor
    for text in ("one", "two"):
        assert _send(signed_in(student), thread, text).status_code == 201
    assert _unread(signed_in(student)) == {thread.pk: 0}
    assert _unread(signed_in(mentor)) == {thread.pk: 2}
    notices = Notification.objects.filter(recipient=mentor)
    assert notices.count() == 2 and notices.first().link == f"/messages/{thread.pk}/"
    client.get(f"{URL}/{thread.pk}")  # the mentor reads it
    assert _unread(client) == {thread.pk: 0}
    _send(client, thread, "reply")
    assert _unread(signed_in(student)) == {thread.pk: 1}
    assert Notification.objects.filter(recipient=student).count() == 1


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001])
def test_an_empty_or_long_message_is_422(signed_in, text):
    thread = ThreadFactory()
    response = _send(signed_in(thread.student), thread, text)
    assert response.status_code == 422 and "detail" in response.json()


@pytest.mark.parametrize("rows", [2, 20])
def test_the_thread_list_costs_the_same_for_2_or_20(
    signed_in, rows, django_assert_num_queries, settings
):
    group = GroupFactory()
    mentor = mentor_of(group)
    for _ in range(rows):
        thread = ThreadFactory(student=MemberFactory(group=group), mentor=mentor)
        MessageFactory(thread=thread)
    client = signed_in(mentor)
    client.get(URL)  # stamps the session's last-seen time
    # (the session, with the db backend), user, the threads with people and unread counts
    with django_assert_num_queries(2 + settings.SESSION_ENGINE.endswith(".db")):
        response = client.get(URL)
    assert [t["unread_count"] for t in response.json()["results"]] == [1] * rows


@pytest.mark.parametrize("rows", [2, 20])
def test_a_thread_costs_the_same_for_2_or_20_messages(
    signed_in, rows, django_assert_num_queries, settings
):
    thread = ThreadFactory()
    for n in range(rows):
        MessageFactory(thread=thread, sender=thread.mentor if n % 2 else thread.student)
    client = signed_in(thread.student)
    client.get(URL)  # stamps the session's last-seen time
    # (session), user, the thread with both people, its messages with senders, marker UPDATE,
    # the UPDATE that marks the thread's message notifications read
    with django_assert_num_queries(5 + settings.SESSION_ENGINE.endswith(".db")):
        response = client.get(f"{URL}/{thread.pk}")
    assert len(response.json()["messages"]) == rows
