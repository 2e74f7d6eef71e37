import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohort.accounts.models import User
from cohort.accounts.tests.factories import DivisionFactory, GroupFactory, MemberFactory
from cohort.competition.models import PointsEntry
from cohort.mentoring.selectors import QUEUE_PAGE_SIZE, review_queue
from cohort.mentoring.tests.factories import Programme, staff
from cohort.reviews.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return Programme()


def _queue_ids(response) -> list[int]:
    return [item.submission.pk for item in response.context["page"].items]


def test_the_queue_lists_only_my_groups_pending_work_oldest_first(client, programme):
    first = programme.pending(programme.students[0])
    second = programme.pending(programme.students[1])
    programme.pending(programme.others[0])  # another group's
    decided = programme.pending(programme.students[0], programme.assignment())
    Submission.objects.filter(pk=decided.pk).update(status=Submission.Status.APPROVED)
    client.force_login(programme.mentor)

    response = client.get("/mentor/")

    assert response.status_code == 200
    assert _queue_ids(response) == [first.pk, second.pk]
    assert [g.pk for g in response.context["groups"]] == [programme.mine.pk]


def test_the_queue_shows_how_long_each_item_has_waited(client, programme):
    with time_machine.travel(timezone.now() - dt.timedelta(days=3, hours=1)):
        programme.pending(programme.students[0])
    client.force_login(programme.mentor)

    response = client.get("/mentor/")

    assert response.context["page"].items[0].waited_days == 3
    assert "3\xa0days, 1\xa0hour ago" in response.content.decode()


def test_work_handed_in_a_moment_ago_says_just_now(client, programme):
    programme.pending(programme.students[0])
    client.force_login(programme.mentor)

    page = client.get("/mentor/").content.decode()

    assert "just now" in page
    assert "0\xa0minutes" not in page


def test_the_queue_pages_by_keyset(programme):
    member = programme.students[0]
    made = [programme.pending(member) for _ in range(QUEUE_PAGE_SIZE + 3)]

    first = review_queue(viewer=programme.mentor)
    rest = review_queue(viewer=programme.mentor, after_id=first.next_after)

    assert [i.submission.pk for i in first.items] == [s.pk for s in made[:QUEUE_PAGE_SIZE]]
    assert [i.submission.pk for i in rest.items] == [s.pk for s in made[QUEUE_PAGE_SIZE:]]
    assert rest.next_after is None


def test_members_are_refused(client, programme):
    client.force_login(programme.students[0])
    assert client.get("/mentor/").status_code == 403
    assert client.get("/mentor/students/").status_code == 403
    assert client.get("/api/v1/mentor/students").status_code == 403
    response = client.post(
        "/api/v1/mentor/reviews", {"ids": [1], "decision": "approved"}, "application/json"
    )
    assert response.status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/mentor/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_coordinators_see_their_division_and_organisers_filter_by_group(client, programme):
    division = DivisionFactory()
    GroupFactory._meta.model.objects.filter(pk=programme.theirs.pk).update(division=division)
    coordinator = staff(User.Role.COORDINATOR, division=division)
    mine = programme.pending(programme.students[0])
    theirs = programme.pending(programme.others[0])

    client.force_login(coordinator)
    assert _queue_ids(client.get("/mentor/")) == [theirs.pk]
    client.force_login(staff(User.Role.ORGANISER))
    assert _queue_ids(client.get("/mentor/")) == [mine.pk, theirs.pk]
    assert _queue_ids(client.get(f"/mentor/?group={programme.mine.pk}")) == [mine.pk]


def test_a_mentor_filtering_by_another_group_gets_404(client, programme):
    client.force_login(programme.mentor)
    assert client.get(f"/mentor/?group={programme.theirs.pk}").status_code == 404


def test_approving_on_the_page_awards_the_points(client, programme):
    submission = programme.pending(programme.students[0])
    client.force_login(programme.mentor)

    response = client.post(f"/mentor/reviews/{submission.pk}/", {"decision": "approved"})

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    assert PointsEntry.objects.get().points == 30


def test_requesting_changes_needs_a_comment(client, programme):
    submission = programme.pending(programme.students[0])
    client.force_login(programme.mentor)

    refused = client.post(f"/mentor/reviews/{submission.pk}/", {"decision": "changes"})
    sent_back = client.post(
        f"/mentor/reviews/{submission.pk}/", {"decision": "changes", "feedback": "Add tests"}
    )

    assert refused.status_code == 422 and sent_back.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.feedback) == ("changes", "Add tests")
    assert not PointsEntry.objects.exists()


def test_reviewing_another_groups_work_is_404_on_the_page_and_the_api(client, programme):
    theirs = programme.pending(programme.others[0])
    client.force_login(programme.mentor)

    page = client.post(f"/mentor/reviews/{theirs.pk}/", {"decision": "approved"})
    api = client.post(
        f"/api/v1/submissions/{theirs.pk}/review", {"decision": "approved"}, "application/json"
    )
    bulk = client.post(
        "/api/v1/mentor/reviews", {"ids": [theirs.pk], "decision": "approved"}, "application/json"
    )

    assert page.status_code == 404 and api.status_code == 404
    assert bulk.json()["outcomes"] == [
        {"id": theirs.pk, "ok": False, "status": 404, "detail": "No such submission."}
    ]
    theirs.refresh_from_db()
    assert theirs.status == Submission.Status.PENDING
    assert not PointsEntry.objects.exists()


def test_bulk_approval_on_the_page_reports_failures_and_goes_on(client, programme):
    a = programme.pending(programme.students[0])
    b = programme.pending(programme.students[1])
    decided = programme.pending(programme.students[0], programme.assignment())
    Submission.objects.filter(pk=decided.pk).update(status=Submission.Status.APPROVED)
    client.force_login(programme.mentor)

    response = client.post(
        "/mentor/reviews/", {"ids": [a.pk, decided.pk, b.pk], "decision": "approved"}, follow=True
    )

    text = response.content.decode()
    assert "2 submissions reviewed" in text and f"Submission {decided.pk}:" in text
    assert set(Submission.objects.filter(status="approved").values_list("pk", flat=True)) == {
        a.pk,
        b.pk,
        decided.pk,
    }
    assert PointsEntry.objects.count() == 2


def test_bulk_approval_through_the_api_gives_per_id_outcomes_and_awards_once(client, programme):
    a = programme.pending(programme.students[0])
    b = programme.pending(programme.students[1])
    client.force_login(programme.mentor)
    payload = {"ids": [a.pk, b.pk, a.pk, 999999], "decision": "approved"}

    first = client.post("/api/v1/mentor/reviews", payload, "application/json")
    again = client.post("/api/v1/mentor/reviews", payload, "application/json")

    assert first.status_code == 200
    assert [(o["id"], o["status"]) for o in first.json()["outcomes"]] == [
        (a.pk, 200),
        (b.pk, 200),
        (999999, 404),
    ]
    assert [o["status"] for o in again.json()["outcomes"]] == [409, 409, 404]
    assert sorted(PointsEntry.objects.values_list("user_id", flat=True)) == sorted(
        [programme.students[0].pk, programme.students[1].pk]
    )


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"ids": [], "decision": "approved"}, 422),
        ({"ids": [1], "decision": "maybe"}, 422),
        ({"ids": [1], "decision": "changes", "feedback": "  "}, 422),
        ({"ids": "1", "decision": "approved"}, 422),
        ({"ids": list(range(1, 200)), "decision": "approved"}, 422),
        ({"decision": "approved"}, 422),
    ],
)
def test_bad_bulk_payloads_are_refused(client, programme, payload, status):
    client.force_login(programme.mentor)
    response = client.post("/api/v1/mentor/reviews", payload, "application/json")
    assert response.status_code == status
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/mentor/?group=abc", 422),
        ("/mentor/?after=-1", 422),
        ("/mentor/?group=99999999", 404),
        ("/mentor/students/?group=x", 422),
        ("/api/v1/mentor/students?group=abc", 422),
        ("/api/v1/mentor/students?group=99999999", 404),
    ],
)
def test_bad_query_strings_are_4xx(client, programme, url, status):
    client.force_login(programme.mentor)
    assert client.get(url).status_code == status


def test_bad_form_posts_are_4xx(client, programme):
    client.force_login(programme.mentor)
    assert client.post("/mentor/reviews/", {"ids": ["x"]}).status_code == 422
    assert client.post("/mentor/reviews/", {}).status_code == 422
    assert client.post("/mentor/reviews/999999/", {"decision": "approved"}).status_code == 404
    assert client.get("/mentor/reviews/").status_code == 405


def test_a_member_cannot_reach_the_queue_through_review_either(client, programme):
    peer = MemberFactory(group=programme.mine)
    submission = programme.pending(programme.students[0])
    client.force_login(peer)
    assert (
        client.post(f"/mentor/reviews/{submission.pk}/", {"decision": "approved"}).status_code
        == 403
    )


def test_out_of_range_ids_are_4xx_never_500(client, programme):
    client.force_login(programme.mentor)
    huge = 2**70
    response = client.post(
        "/api/v1/mentor/reviews", {"ids": [huge], "decision": "approved"}, "application/json"
    )
    # The bulk answer is 200 with one outcome per id: that id is not found.
    assert response.status_code == 200 and response.json()["outcomes"][0]["status"] == 404
    assert client.get(f"/api/v1/mentor/students?group={huge}").status_code == 404
    assert client.get(f"/mentor/?after={huge}").status_code == 422
    assert client.post("/mentor/reviews/", {"ids": [str(huge)]}).status_code == 422


def test_the_queue_page_costs_the_same_for_2_and_20_items(
    client, programme, django_assert_num_queries
):
    for member in programme.students:
        programme.pending(member)
    client.force_login(programme.mentor)
    client.get("/mentor/")  # warm the caches
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/mentor/").context["page"].items) == 2
    extra = [MemberFactory(group=programme.mine) for _ in range(9)]
    for member in extra * 2:
        programme.pending(member, programme.assignment())

    with django_assert_num_queries(len(small)):
        assert len(client.get("/mentor/").context["page"].items) == 20


def test_the_queue_itself_is_two_queries(programme, django_assert_num_queries):
    for member in programme.students:
        programme.pending(member)
    with django_assert_num_queries(2):
        # pending submissions with member, group, assignment, category and episode;
        # their files
        page = review_queue(viewer=programme.mentor)
    assert len(page.items) == 2


def test_the_page_title_is_plain_and_the_flag_queue_shown_once(client, programme):
    client.force_login(programme.mentor)

    page = client.get("/mentor/").content.decode()

    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "section" not in title
    assert page.count('id="flags-heading"') == 1


def test_the_queue_and_students_pages_load_the_groups_without_their_mentors(client, programme):
    client.force_login(programme.mentor)
    for url in ("/mentor/", "/mentor/students/"):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        prefetch = '"accounts_group_mentors"."group_id" IN'  # the mentors of listed groups
        assert not any(prefetch in q["sql"] for q in queries), url
