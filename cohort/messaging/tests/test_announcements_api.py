import pytest

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.messaging.models import Announcement, AnnouncementRead
from cohort.messaging.tests.factories import AnnouncementFactory, mentor_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/announcements"


def test_lists_the_viewers_with_read_state_and_marks_read(signed_in, member, group):
    seen = AnnouncementFactory(audience="groups", groups=[group])
    AnnouncementFactory(audience="groups", groups=[GroupFactory()])
    client = signed_in(member)
    rows = client.get(URL).json()["results"]
    assert [(r["id"], r["read_at"]) for r in rows] == [(seen.pk, None)]
    first = client.post(f"{URL}/{seen.pk}/read")
    assert first.status_code == 200 and first.json()["read_at"]
    again = client.post(f"{URL}/{seen.pk}/read")
    assert again.json()["read_at"] == first.json()["read_at"]
    assert AnnouncementRead.objects.filter(user=member).count() == 1
    assert client.get(URL).json()["results"][0]["read_at"] is not None


def test_another_groups_announcement_is_404_to_read(signed_in, member):
    theirs = AnnouncementFactory(audience="groups", groups=[GroupFactory()])
    assert signed_in(member).post(f"{URL}/{theirs.pk}/read").status_code == 404


def test_pages_with_a_cursor_to_the_end(signed_in, member):
    made = [AnnouncementFactory() for _ in range(25)]
    client = signed_in(member)
    first = client.get(URL).json()
    second = client.get(first["next"]).json()
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert sorted(ids) == sorted(a.pk for a in made) and second["next"] is None


def test_a_forged_cursor_is_a_4xx_with_a_detail(signed_in, member):
    response = signed_in(member).get(f"{URL}?cursor=%%%nope")
    assert response.status_code == 422 and "detail" in response.json()


@pytest.mark.parametrize("rows", [2, 20])
def test_the_list_costs_the_same_queries_for_2_or_20(
    signed_in, member, group, rows, django_assert_num_queries, settings
):
    for n in range(rows):
        made = AnnouncementFactory(audience="groups" if n % 2 else "everyone", groups=[group])
        if n % 3 == 0:
            AnnouncementRead.objects.create(announcement=made, user=member)
    client = signed_in(member)
    client.get(URL)  # stamps the session's last-seen time
    # (the session, with the db backend), user, the page (audience, read state, author)
    with django_assert_num_queries(2 + settings.SESSION_ENGINE.endswith(".db")):
        response = client.get(URL)
    assert len(response.json()["results"]) == rows


def test_publish_endpoint_is_idempotent(signed_in, group):
    MemberFactory(group=group)
    mentor = mentor_of(group)
    draft = Announcement.objects.create(author=mentor, audience="groups", title="T", text="x")
    draft.groups.add(group)
    client = signed_in(mentor)
    for _ in range(2):
        response = client.post(f"{URL}/{draft.pk}/publish")
        assert response.status_code == 200 and response.json()["status"] == "published"
    assert group.members.get().notifications.count() == 1


def test_signed_out_is_401(client):
    assert client.get(URL).status_code == 401
