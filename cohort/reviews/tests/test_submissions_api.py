import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cohort.accounts.models import User
from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.competition.models import PointsEntry
from cohort.reviews.models import Submission, SubmissionFile
from cohort.reviews.tests.factories import (
    AssignmentFactory,
    SubmissionFactory,
    episode_of,
    mentor_of,
    pdf_bytes,
    pdf_upload,
    png_upload,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/submissions"


def _review(client, submission, decision="approved", feedback=""):
    return client.post(
        f"{URL}/{submission.pk}/review",
        {"decision": decision, "feedback": feedback},
        content_type="application/json",
    )


def test_post_hands_in_work_as_multipart_with_files_and_a_link(
    signed_in, member, first_work, media_root
):
    response = signed_in(member).post(
        URL,
        {
            "assignment": first_work.pk,
            "text": "See files",
            "link": "https://example.com/repo",
            "files": [pdf_upload("notes.pdf"), png_upload("shot.png")],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending" and body["assignment_id"] == first_work.pk
    assert body["link"] == "https://example.com/repo"
    assert [f["name"] for f in body["files"]] == ["notes.pdf", "shot.png"]
    assert body["file_name"] == "notes.pdf"
    stored = SubmissionFile.objects.filter(submission_id=body["id"]).order_by("id")
    assert (media_root / stored[0].file.name).read_bytes() == pdf_bytes()
    assert [f.content_type for f in stored] == ["application/pdf", "image/png"]


def test_no_field_of_the_post_sets_status_reviewer_or_owner(signed_in, member, first_work):
    other = MemberFactory()
    response = signed_in(member).post(
        URL,
        {
            "assignment": first_work.pk,
            "text": "x",
            "status": "approved",
            "reviewer": member.pk,
            "user": other.pk,
            "feedback": "great",
        },
    )
    assert response.status_code == 201
    submission = Submission.objects.get()
    assert (submission.status, submission.user, submission.reviewer) == ("pending", member, None)
    assert submission.feedback == ""


def test_an_oversize_file_is_413_with_a_detail(signed_in, member, first_work, settings):
    settings.SUBMISSION_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.bin", b"x" * 1025)
    response = signed_in(member).post(URL, {"assignment": first_work.pk, "file": upload})
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("data", "status"), [({"text": "x"}, 422), ({"assignment": 1, "text": ""}, 422)]
)
def test_bad_posts_are_422(signed_in, member, first_work, data, status):
    data = {**data, "assignment": first_work.pk} if "assignment" in data else data
    response = signed_in(member).post(URL, data)
    assert response.status_code == status
    assert "detail" in response.json()


def test_a_second_pending_post_is_409(signed_in, member, first_work):
    client = signed_in(member)
    assert client.post(URL, {"assignment": first_work.pk, "text": "a"}).status_code == 201
    response = client.post(URL, {"assignment": first_work.pk, "text": "b"})
    assert response.status_code == 409 and "detail" in response.json()


def test_the_list_is_the_viewers_own_newest_first(signed_in, member, first_work):
    mine = [SubmissionFactory(user=member, assignment=first_work) for _ in range(3)]
    SubmissionFactory(user=MemberFactory(group=member.group), assignment=first_work)
    body = signed_in(member).get(URL).json()
    assert [row["id"] for row in body["results"]] == [s.pk for s in reversed(mine)]


def test_the_list_pages_with_a_cursor(signed_in, member, first_work):
    mine = [SubmissionFactory(user=member, assignment=first_work) for _ in range(25)]
    client = signed_in(member)
    first = client.get(URL).json()
    assert len(first["results"]) == 20 and first["next"]
    second = client.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == [s.pk for s in reversed(mine)][20:]


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_costs_the_same_queries_for_2_and_20(
    signed_in, member, first_work, mentor, django_assert_num_queries, settings, count
):
    for n in range(count):
        status = Submission.Status.APPROVED if n % 2 else Submission.Status.PENDING
        submission = SubmissionFactory(
            user=member, assignment=first_work, status=status, reviewer=mentor
        )
        SubmissionFile.objects.create(
            submission=submission,
            file=f"submissions/{n}.pdf",
            original_name=f"{n}.pdf",
            size=1,
            content_type="application/pdf",
        )
    client = signed_in(member)
    client.get(URL)  # the first request stamps the session's sign-in times
    # (the session, when sessions live in the database), the signed-in user, the page of
    # submissions with their member, reviewer, assignment, category and episode (one joined
    # query; the cursor paginator counts nothing), the page's files (one prefetch)
    with django_assert_num_queries(3 + settings.SESSION_ENGINE.endswith(".db")):
        response = client.get(URL)
    assert len(response.json()["results"]) == count


def test_detail_is_404_to_another_groups_mentor_and_to_group_mates(signed_in, member, first_work):
    submission = SubmissionFactory(user=member, assignment=first_work)
    for outsider in (mentor_of(GroupFactory()), MemberFactory(group=member.group)):
        response = signed_in(outsider).get(f"{URL}/{submission.pk}")
        assert response.status_code == 404 and "detail" in response.json()


def test_detail_shows_to_the_member_and_their_mentor(signed_in, member, mentor, first_work):
    submission = SubmissionFactory(user=member, assignment=first_work)
    for viewer in (member, mentor):
        body = signed_in(viewer).get(f"{URL}/{submission.pk}").json()
        assert body["id"] == submission.pk and body["user_name"] == member.display_name


def test_the_file_downloads_only_for_those_who_may_see_it(
    signed_in, member, mentor, first_work, media_root
):
    created = signed_in(member).post(URL, {"assignment": first_work.pk, "file": pdf_upload()})
    created = created.json()
    file_id = created["files"][0]["id"]
    for path in (f"{URL}/{created['id']}/file", f"{URL}/{created['id']}/files/{file_id}"):
        response = signed_in(mentor).get(path)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf_bytes()
        assert response["Content-Disposition"].startswith("attachment")
        for outsider in (mentor_of(GroupFactory()), MemberFactory(group=member.group)):
            assert signed_in(outsider).get(path).status_code == 404


def test_a_member_posting_a_review_is_403(signed_in, member, first_work):
    submission = SubmissionFactory(user=MemberFactory(group=member.group), assignment=first_work)
    own = SubmissionFactory(user=member, assignment=first_work)
    for target in (submission, own):
        response = _review(signed_in(member), target)
        assert response.status_code == 403 and "detail" in response.json()
    assert not Submission.objects.filter(status="approved").exists()


def test_a_mentor_member_approving_their_own_is_403(signed_in, group, first_work):
    mentor_member = MemberFactory(role=User.Role.MENTOR, group=group)
    group.mentors.add(mentor_member)
    own = SubmissionFactory(user=mentor_member, assignment=first_work)
    assert _review(signed_in(mentor_member), own).status_code == 403
    assert not PointsEntry.objects.exists()


def test_a_mentor_reviews_through_the_api(signed_in, member, mentor, first_work):
    submission = SubmissionFactory(user=member, assignment=first_work)
    client = signed_in(mentor)
    response = _review(client, submission, "changes", "")
    assert response.status_code == 422
    response = _review(client, submission)
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["reviewer_name"]) == ("approved", mentor.display_name)
    assert _review(client, submission).status_code == 409
    assert PointsEntry.objects.get().points == first_work.points


def test_a_mentor_of_another_group_reviewing_gets_404(signed_in, member, first_work):
    submission = SubmissionFactory(user=member, assignment=first_work)
    assert _review(signed_in(mentor_of(GroupFactory())), submission).status_code == 404


def test_assignments_list_the_current_seasons_open_work_with_the_viewers_state(
    signed_in, member, season, first_work
):
    later = AssignmentFactory(episode=episode_of(season, 2), title="Later")
    AssignmentFactory(episode=episode_of(season, 2), is_open=False)
    loose = AssignmentFactory(episode=None, title="Anytime")
    SubmissionFactory(user=member, assignment=first_work)
    rows = {r["id"]: r for r in signed_in(member).get("/api/v1/assignments").json()}
    assert set(rows) == {first_work.pk, later.pk, loose.pk}
    assert (rows[first_work.pk]["state"], rows[first_work.pk]["status"]) == ("unlocked", "pending")
    assert (rows[later.pk]["state"], rows[later.pk]["episode_number"]) == ("locked", 2)
    assert (rows[loose.pk]["state"], rows[loose.pk]["episode_number"]) == ("unlocked", None)
    assert rows[first_work.pk]["category"] == first_work.category.name


@pytest.mark.parametrize("count", [2, 20])
def test_assignments_cost_the_same_queries_for_2_and_20(
    signed_in, member, season, django_assert_num_queries, settings, count
):
    for n in range(count):
        work = AssignmentFactory(episode=episode_of(season, n % 4 + 1))
        SubmissionFactory(user=member, assignment=work)
    client = signed_in(member)
    client.get("/api/v1/assignments")  # stamps the session; caches the current season
    # and the season's episodes with their required assignments
    # (the session, when sessions live in the database), the user; the member's submissions
    # of the episodes' work (episode states); the open assignments with category and
    # episode; the member's latest statuses
    with django_assert_num_queries(4 + settings.SESSION_ENGINE.endswith(".db")):
        assert len(client.get("/api/v1/assignments").json()) == count


def test_between_seasons_only_work_outside_episodes_is_listed(signed_in, member):
    loose = AssignmentFactory(episode=None)
    rows = signed_in(member).get("/api/v1/assignments").json()
    assert [(r["id"], r["state"]) for r in rows] == [(loose.pk, "unlocked")]


def test_signed_out_is_401(client, first_work):
    assert client.get(URL).status_code == 401
    assert client.post(URL, {"assignment": first_work.pk, "text": "x"}).status_code == 401
    assert client.get("/api/v1/assignments").status_code == 401


def test_a_draft_through_the_api_is_edited_then_handed_in(
    signed_in, member, mentor, first_work, media_root
):
    client = signed_in(member)
    body = client.post(URL, {"assignment": first_work.pk, "text": "rough", "draft": "true"})
    body = body.json()
    assert body["status"] == "draft"
    assert signed_in(mentor).get(f"{URL}/{body['id']}").status_code == 404
    client = signed_in(member)
    edited = client.post(f"{URL}/{body['id']}", {"text": "done", "files": [pdf_upload()]})
    assert (edited.json()["status"], len(edited.json()["files"])) == ("draft", 1)
    handed_in = client.post(f"{URL}/{body['id']}", {"text": "done", "draft": "false"}).json()
    assert handed_in["status"] == "pending" and handed_in["text"] == "done"
    assert client.post(f"{URL}/{body['id']}", {"text": "again"}).status_code == 409
    other = signed_in(MemberFactory(group=member.group))
    assert other.post(f"{URL}/{body['id']}", {"text": "mine"}).status_code == 404
