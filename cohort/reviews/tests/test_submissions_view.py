"""The /submissions/ page: assignments by episode with forms, drafts, past submissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cohort.accounts.tests.factories import MemberFactory
from cohort.reviews.models import Submission, SubmissionFile
from cohort.reviews.tests.factories import (
    AssignmentFactory,
    SubmissionFactory,
    episode_of,
    pdf_upload,
    png_bytes,
)

pytestmark = pytest.mark.django_db

URL = "/submissions/"


@pytest.fixture
def page(client, member):
    client.force_login(member)
    return client


def _post(client, work, action="submit", **data):
    return client.post(URL, {"assignment": work.pk, "action": action, **data})


def test_the_page_groups_the_seasons_work_by_episode(page, member, season, first_work):
    later = AssignmentFactory(episode=episode_of(season, 2), title="Later work")
    AssignmentFactory(episode=None, title="Anytime work")
    SubmissionFactory(
        user=member, assignment=first_work, status="changes", feedback="Add a summary"
    )
    response = page.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="episode-1"' in html and 'data-testid="episode-none"' in html
    assert f'data-testid="form-{first_work.pk}"' in html  # changes requested: hand in again
    assert f'data-testid="form-{later.pk}"' not in html  # locked episode
    assert "Add a summary" in html and "changes requested" in html
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html


def test_save_a_draft_then_hand_it_in(page, member, first_work, media_root):
    response = _post(page, first_work, "draft", text="rough", files=[pdf_upload("cv.pdf")])
    assert response.status_code == 302
    draft = Submission.objects.get()
    assert draft.status == Submission.Status.DRAFT
    html = page.get(URL).content.decode()
    assert f'name="draft" value="{draft.pk}"' in html and "cv.pdf" in html and "rough" in html
    response = _post(page, first_work, text="final", draft=draft.pk)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.text) == (Submission.Status.PENDING, "final")
    assert f'data-testid="form-{first_work.pk}"' not in page.get(URL).content.decode()


@pytest.mark.parametrize(
    ("upload", "status", "message"),
    [
        (SimpleUploadedFile("photo.pdf", png_bytes()), 422, "its name must end in .png"),
        (SimpleUploadedFile("page.pdf", b"<html><script></script>"), 422, "not an allowed"),
        (SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 200), 413, "too large"),
    ],
)
def test_a_bad_upload_shows_the_error_on_the_page(
    page, first_work, settings, upload, status, message
):
    settings.SUBMISSION_MAX_BYTES = 100
    response = _post(page, first_work, text="keep me", files=[upload])
    assert response.status_code == status
    html = response.content.decode()
    assert message in html and 'role="alert"' in html
    assert "keep me" in html  # what they wrote is still in the form
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"link": "not a link"}, 422),
        ({"assignment": "x"}, 422),
        ({"action": "publish"}, 422),
        ({"assignment": 98765}, 404),
    ],
)
def test_malformed_posts_are_a_page_with_an_error_never_a_500(page, first_work, data, status):
    response = page.post(URL, {"assignment": first_work.pk, "action": "submit", **data})
    assert response.status_code == status
    assert 'id="form-errors"' in response.content.decode()


def test_a_second_hand_in_while_pending_is_409_on_the_page(page, member, first_work):
    SubmissionFactory(user=member, assignment=first_work)
    response = _post(page, first_work, text="again")
    assert response.status_code == 409 and "awaits review" in response.content.decode()


def test_files_download_from_the_page_only_for_those_who_may_see_them(
    client, member, mentor, first_work, media_root
):
    client.force_login(member)
    _post(client, first_work, text="see file", files=[pdf_upload()])
    stored = SubmissionFile.objects.get()
    download = f"/submissions/files/{stored.pk}/"
    assert download in client.get(URL).content.decode()
    for viewer in (member, mentor):
        client.force_login(viewer)
        assert client.get(download).status_code == 200
    client.force_login(MemberFactory(group=member.group))
    assert client.get(download).status_code == 404


def test_a_drafts_file_is_404_to_the_mentor(client, member, mentor, first_work, media_root):
    client.force_login(member)
    _post(client, first_work, "draft", files=[pdf_upload()])
    client.force_login(mentor)
    assert client.get(f"/submissions/files/{SubmissionFile.objects.get().pk}/").status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_the_page_costs_the_same_queries_for_2_and_20(
    page, member, mentor, season, django_assert_num_queries, settings, media_root, count
):
    for n in range(count):
        work = AssignmentFactory(episode=episode_of(season, n % 4 + 1))
        submission = SubmissionFactory(user=member, assignment=work, reviewer=mentor)
        SubmissionFile.objects.create(
            submission=submission,
            file=pdf_upload(),
            original_name=f"{n}.pdf",
            size=1,
            content_type="application/pdf",
        )
    page.get(URL)  # stamps the session; caches the current season, the unread count and
    # the season's episodes with their required assignments
    # (the session, when sessions live in the database), the user; the member's submissions
    # of the episodes' work (episode states); the open assignments with category and
    # episode; the member's latest statuses; all their submissions with assignment,
    # category, episode and reviewer; those submissions' files
    with django_assert_num_queries(6 + settings.SESSION_ENGINE.endswith(".db")):
        response = page.get(URL)
    assert response.content.decode().count("/submissions/files/") == count
