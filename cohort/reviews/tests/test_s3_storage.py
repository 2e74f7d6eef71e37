"""Submission files on S3: moto's server stands in for the bucket (the outside world), our
code talks to it through django-storages exactly as it would to AWS."""

import uuid

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.reviews.models import Submission, SubmissionFile
from cohort.reviews.tests.factories import mentor_of, pdf_bytes, pdf_upload, png_bytes

pytestmark = pytest.mark.django_db

URL = "/api/v1/submissions"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh private bucket, and the default storage pointed at it as USE_CLOUD_STORAGE
    would (the STORAGES change resets default_storage)."""
    name = f"cohort-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **CREDENTIALS)
    client.create_bucket(Bucket=name)
    settings.USE_CLOUD_STORAGE = True
    settings.AWS_STORAGE_BUCKET_NAME = name
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    return client, name


def _keys(client, name) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", [])]


def test_the_file_lands_in_the_bucket_privately(client, bucket, member, first_work):
    s3, name = bucket
    client.force_login(member)
    response = client.post(URL, {"assignment": first_work.pk, "files": [pdf_upload("cv.pdf")]})
    assert response.status_code == 201
    stored = SubmissionFile.objects.get()
    assert _keys(s3, name) == [stored.file.name]
    assert s3.get_object(Bucket=name, Key=stored.file.name)["Body"].read() == pdf_bytes()
    grants = s3.get_object_acl(Bucket=name, Key=stored.file.name)["Grants"]
    assert not [g for g in grants if g["Grantee"].get("URI", "").endswith("AllUsers")]


def test_it_is_served_back_only_to_those_who_may_see_it(client, bucket, member, first_work):
    client.force_login(member)
    created = client.post(URL, {"assignment": first_work.pk, "files": [pdf_upload()]}).json()
    file_id = created["files"][0]["id"]
    page_url = f"/submissions/files/{file_id}/"
    for viewer in (member, mentor_of(member.group)):
        client.force_login(viewer)
        response = client.get(page_url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == pdf_bytes()
    for outsider in (MemberFactory(group=member.group), mentor_of(GroupFactory())):
        client.force_login(outsider)
        assert client.get(page_url).status_code == 404
        assert client.get(f"{URL}/{created['id']}/files/{file_id}").status_code == 404


def test_a_file_gone_from_the_bucket_is_404_not_500(client, bucket, member, first_work):
    s3, name = bucket
    client.force_login(member)
    created = client.post(URL, {"assignment": first_work.pk, "files": [pdf_upload()]}).json()
    stored = SubmissionFile.objects.get()
    s3.delete_object(Bucket=name, Key=stored.file.name)
    response = client.get(f"{URL}/{created['id']}/files/{stored.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "This file is no longer available."}
    assert client.get(f"/submissions/files/{stored.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "status"),
    [("photo.pdf", png_bytes(), 422), ("page.pdf", b"<html></html>", 422), ("big.pdf", None, 413)],
)
def test_bad_files_never_reach_the_bucket(
    client, bucket, member, first_work, settings, name, content, status
):
    settings.SUBMISSION_MAX_BYTES = len(pdf_bytes()) - 1
    s3, bucket_name = bucket
    client.force_login(member)
    upload = SimpleUploadedFile(name, content or pdf_bytes())
    response = client.post(URL, {"assignment": first_work.pk, "files": [upload]})
    assert response.status_code == status and "detail" in response.json()
    assert _keys(s3, bucket_name) == []
    assert not Submission.objects.exists()


def test_the_count_limit_holds_on_s3(client, bucket, member, first_work, settings):
    settings.SUBMISSION_MAX_FILES = 1
    s3, name = bucket
    client.force_login(member)
    response = client.post(
        URL, {"assignment": first_work.pk, "files": [pdf_upload(), pdf_upload("b.pdf")]}
    )
    assert response.status_code == 422
    assert _keys(s3, name) == []
