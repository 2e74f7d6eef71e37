"""NulCharacterMiddleware: the one guard for NUL characters in a request's path, query
string and form body, for pages, the admin and the API alike."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory

from cohort.core.middleware import NulCharacterMiddleware, has_nul

factory = RequestFactory()


def _view(request):
    return HttpResponse("reached the view")


guard = NulCharacterMiddleware(_view)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", False),
        ("a\x00b", True),
        ({"key": ["ok", "b\x00"]}, True),
        ({"k\x00": "v"}, True),
        ([("name", ["x"]), ("other", ["y"])], False),
        (SimpleUploadedFile("a\x00.pdf", b"%PDF"), True),
        (SimpleUploadedFile("a.pdf", b"\x00binary content is fine\x00"), False),
        (42, False),
    ],
)
def test_has_nul_looks_everywhere_but_file_contents(value, expected):
    assert has_nul(value) is expected


@pytest.mark.parametrize(
    "request_",
    [
        factory.get("/notifications/?cursor=%00"),
        factory.get("/admin/accounts/user/?q%00=x"),
        factory.get("/join/abc%00/"),
        factory.post("/profile/", {"name": "phone\x00"}),
        factory.post(
            "/login/",
            "email=a%00%40example.com&password=x",
            content_type="application/x-www-form-urlencoded",
        ),
        factory.post(
            "/submissions/", {"text": "x\x00", "file": SimpleUploadedFile("a.pdf", b"%PDF")}
        ),
    ],
    ids=["query-value", "query-name", "path", "form", "urlencoded", "multipart"],
)
def test_a_page_request_with_nul_is_a_readable_400(request_):
    response = guard(request_)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b"NUL character" in response.content and b'href="/"' in response.content


def test_an_api_request_with_nul_is_a_json_400():
    response = guard(factory.get("/api/v1/dashboard?q=%00"))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "NUL character" in json.loads(response.content)["detail"]


def test_an_unreadable_form_body_is_a_400_not_a_500():
    broken = factory.generic(
        "POST",
        "/api/v1/submissions",
        b"--x\r\nnot a part",
        content_type="multipart/form-data; boundary=",
    )
    response = guard(broken)
    assert response.status_code == 400
    assert json.loads(response.content) == {"detail": "The request's form body could not be read."}


@pytest.mark.parametrize(
    "request_",
    [
        factory.get("/notifications/?cursor=abc&q=caf%C3%A9"),
        factory.post("/profile/", {"name": "phone"}),
        factory.post("/submissions/", {"file": SimpleUploadedFile("a.pdf", b"%PDF\x00\x01")}),
        # JSON is the API parser's to check: the guard leaves the body unread.
        factory.put(
            "/api/v1/activity/2026-01-01", '{"steps": "\\u0000"}', content_type="application/json"
        ),
    ],
    ids=["query", "form", "binary-file", "json"],
)
def test_a_request_without_nul_reaches_the_view(request_):
    assert guard(request_).content == b"reached the view"
