"""Upload limits and content checks, on local storage (the S3 run is test_s3_storage.py)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cohort.core.exceptions import InvalidInput, TooLarge
from cohort.reviews.files import files_check
from cohort.reviews.models import Submission, SubmissionFile
from cohort.reviews.services import submission_create
from cohort.reviews.tests.factories import pdf_bytes, pdf_upload, png_bytes, png_upload

pytestmark = pytest.mark.django_db

URL = "/api/v1/submissions"
HTML = b"<!doctype html><html><script>alert(1)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_real_pdf_and_png_pass_with_their_detected_types():
    checked = files_check([pdf_upload("a.pdf"), png_upload("b.PNG")])
    assert [(c.original_name, c.content_type) for c in checked] == [
        ("a.pdf", "application/pdf"),
        ("b.PNG", "image/png"),
    ]
    assert checked[0].size == len(pdf_bytes())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.pdf", png_bytes(), "its name must end in .png"),
        ("page.pdf", HTML, "not an allowed file"),
        ("setup.pdf", EXE, "not an allowed file"),
        ("notes.txt", b"just text", "not an allowed file"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_content_decides_not_the_name(name, content, message):
    with pytest.raises(InvalidInput, match=message):
        files_check([_upload(name, content)])


def test_an_office_document_is_recognised_by_its_zip_contents():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    checked = files_check([SimpleUploadedFile("cv.docx", buffer.getvalue())])
    assert checked[0].content_type.endswith("wordprocessingml.document")


def test_a_file_over_the_size_limit_is_413(settings):
    settings.SUBMISSION_MAX_BYTES = len(pdf_bytes()) - 1
    with pytest.raises(TooLarge, match="too large"):
        files_check([pdf_upload()])


def test_more_files_than_the_limit_is_422_counting_stored_ones(settings):
    settings.SUBMISSION_MAX_FILES = 2
    assert len(files_check([pdf_upload(), png_upload()])) == 2
    with pytest.raises(InvalidInput, match="At most 2 files"):
        files_check([pdf_upload(), png_upload(), pdf_upload()])
    with pytest.raises(InvalidInput, match="At most 2 files"):
        files_check([pdf_upload()], already=2)


def test_the_service_stores_nothing_when_one_file_is_bad(member, first_work, media_root):
    with pytest.raises(InvalidInput):
        submission_create(
            user=member,
            assignment_id=first_work.pk,
            text="x",
            files=[pdf_upload(), _upload("evil.pdf", HTML)],
        )
    assert not Submission.objects.exists() and not SubmissionFile.objects.exists()


def test_an_assignment_without_files_refuses_them(member, first_work):
    first_work.accepts_files = False
    first_work.save()
    with pytest.raises(InvalidInput, match="takes no files"):
        submission_create(user=member, assignment_id=first_work.pk, text="x", files=[pdf_upload()])


def test_a_link_must_be_http_and_accepted(member, first_work):
    with pytest.raises(InvalidInput, match="http"):
        submission_create(user=member, assignment_id=first_work.pk, text="", link="javascript:x")
    first_work.accepts_link = False
    first_work.save()
    with pytest.raises(InvalidInput, match="takes no link"):
        submission_create(
            user=member, assignment_id=first_work.pk, text="", link="https://example.com"
        )


@pytest.mark.parametrize(
    ("name", "content", "status"),
    [("photo.pdf", png_bytes(), 422), ("page.pdf", HTML, 422), ("big.pdf", b"x" * 2000, 413)],
)
def test_the_api_answers_bad_files_with_a_detail(
    client, member, first_work, settings, name, content, status
):
    settings.SUBMISSION_MAX_BYTES = 1000
    client.force_login(member)
    response = client.post(URL, {"assignment": first_work.pk, "files": [_upload(name, content)]})
    assert response.status_code == status
    assert name in response.json()["detail"]
    assert not Submission.objects.exists()


def test_the_api_refuses_too_many_files(client, member, first_work, settings):
    settings.SUBMISSION_MAX_FILES = 1
    client.force_login(member)
    response = client.post(
        URL, {"assignment": first_work.pk, "files": [pdf_upload(), png_upload()]}
    )
    assert response.status_code == 422 and "At most 1 file" in response.json()["detail"]


def test_more_files_than_django_parses_is_a_json_413(client, member, first_work, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 20
    client.force_login(member)
    files = [pdf_upload(f"part{n}.pdf") for n in range(21)]
    response = client.post(URL, {"assignment": first_work.pk, "files": files})
    # 413 from config/api.py; 400 where a middleware met the limit first (it reads forms).
    assert response.status_code == 413
    assert isinstance(response.json()["detail"], str)
    assert not Submission.objects.exists()
