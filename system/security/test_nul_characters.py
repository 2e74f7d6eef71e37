"""Item 13: a NUL character anywhere in a request's path, query string or form body (pages,
the admin, the API) is a malformed request: 400 before any view runs, JSON {"detail"} under
/api/ and a short readable page elsewhere; never a 500 from PostgreSQL, never a write."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cohort.accounts.models import ApiToken
from cohort.reviews.models import Submission
from system.security.conftest import client_for

pytestmark = pytest.mark.django_db


def _is_readable_400(response) -> bool:
    return (
        response.status_code == 400
        and response["Content-Type"].startswith("text/html")
        and b"NUL character" in response.content
    )


def _is_json_400(response) -> bool:
    return (
        response.status_code == 400
        and response["Content-Type"].startswith("application/json")
        and "NUL character" in response.json()["detail"]
    )


def test_a_token_name_with_nul_on_the_profile_page_is_a_400_and_no_token(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.a.member)
    before = ApiToken.objects.count()
    response = client.post("/profile/", {"name": "phone\x00"})
    assert _is_readable_400(response)
    assert ApiToken.objects.count() == before


def test_mentor_feedback_with_nul_is_a_400_and_the_submission_is_untouched(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.a.mentor)
    submission = world.a.submission
    response = client.post(
        f"/mentor/reviews/{submission.pk}/", {"decision": "changes", "feedback": "redo\x00"}
    )
    assert _is_readable_400(response)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING
    assert submission.feedback == ""


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/?q=%00",  # the changelist's search box
        "/admin/activity/dailyactivity/?source=%00",  # a changelist filter
        "/admin/accounts/user/?q%00=x",  # in a parameter's name
    ],
)
def test_an_admin_changelist_filter_with_nul_is_a_400(world, url):
    client = client_for(world.organiser)
    client.raise_request_exception = False
    assert _is_readable_400(client.get(url))


@pytest.mark.parametrize(
    "url", ["/notifications/?cursor=%00", "/mentor/?group=%00", "/join/abc%00def/"]
)
def test_a_page_query_parameter_or_path_with_nul_is_a_400(world, url):
    client = Client(raise_request_exception=False)
    client.force_login(world.a.mentor if url.startswith("/mentor/") else world.a.member)
    assert _is_readable_400(client.get(url))


def test_an_anonymous_sign_in_form_with_nul_is_a_400(world):
    client = Client(raise_request_exception=False)
    response = client.post("/login/", {"email": "a\x00@example.com", "password": "x"})
    assert _is_readable_400(response)


@pytest.mark.parametrize(
    "url", ["/api/v1/dashboard?scope=all&q=%00", "/api/v1/leaderboards/progress?cursor=%00"]
)
def test_an_api_query_parameter_with_nul_is_a_json_400(world, url):
    client = client_for(world.organiser)
    client.raise_request_exception = False
    assert _is_json_400(client.get(url))


def test_an_api_multipart_form_with_nul_is_a_json_400_and_nothing_is_stored(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.a.member)
    before = Submission.objects.count()
    upload = SimpleUploadedFile("notes\x00.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client.post(
        "/api/v1/submissions",
        {"assignment": world.assignment_id, "text": "hello\x00", "files": upload},
    )
    assert _is_json_400(response)
    assert Submission.objects.count() == before


def test_a_form_without_nul_still_reaches_its_view(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.a.member)
    response = client.post("/profile/", {"name": "phone"})
    assert response.status_code == 201
    assert ApiToken.objects.filter(user=world.a.member, name="phone").exists()
