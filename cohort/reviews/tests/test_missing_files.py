"""A submission file whose bytes are gone from storage (deleted by hand, a lost volume, a
bucket lifecycle rule) is a 404 like any other missing thing: JSON on the API, the error
page on the site; never a 500."""

import pytest

from cohort.reviews.models import SubmissionFile
from cohort.reviews.tests.factories import mentor_of, pdf_upload

pytestmark = pytest.mark.django_db

URL = "/api/v1/submissions"


@pytest.fixture
def gone(client, member, first_work, media_root):
    """A handed-in submission with one file, whose bytes were then deleted from storage."""
    client.force_login(member)
    created = client.post(URL, {"assignment": first_work.pk, "files": [pdf_upload()]})
    assert created.status_code == 201
    stored = SubmissionFile.objects.get()
    stored.file.storage.delete(stored.file.name)
    return created.json()["id"], stored


@pytest.mark.parametrize("which", ["first", "by id"])
def test_the_api_answers_404_json(client, gone, which):
    submission_id, stored = gone
    path = "file" if which == "first" else f"files/{stored.pk}"
    response = client.get(f"{URL}/{submission_id}/{path}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "This file is no longer available."}


def test_the_download_page_answers_the_404_page(client, gone, member):
    _, stored = gone
    for viewer in (member, mentor_of(member.group)):
        client.force_login(viewer)
        response = client.get(f"/submissions/files/{stored.pk}/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")
        assert "This file is no longer available." in response.content.decode()
