"""Item 17: the API answers bad input with JSON and the right status, never Django's HTML
page; and an integer in a JSON body is an integer (`"steps": true` is not one step, nor
`"5"` five), for every integer field of every JSON body the OpenAPI document declares."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cohort.accounts.tests.factories import StaffFactory
from cohort.reviews.tests.factories import pdf_bytes
from config.api import api
from system.security.conftest import client_for

pytestmark = pytest.mark.django_db

NOT_INTEGERS = [True, False, 1.5, "5", "1"]


def _is_integer(prop: dict) -> bool:
    return prop.get("type") == "integer" or any(_is_integer(p) for p in prop.get("anyOf", []))


def _is_integer_list(prop: dict) -> bool:
    options = [prop, *prop.get("anyOf", [])]
    return any(p.get("type") == "array" and _is_integer(p.get("items", {})) for p in options)


def _integer_fields() -> list[tuple[str, str, str, bool]]:
    """(method, path, field, is a list) for every integer field of every JSON body."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not body:
                continue
            model = components[body["schema"]["$ref"].rsplit("/", 1)[-1]]
            for name, prop in model.get("properties", {}).items():
                if _is_integer(prop) or _is_integer_list(prop):
                    found.append((method, path, name, _is_integer_list(prop)))
    return found


FIELDS = _integer_fields()


def test_the_walk_finds_the_integer_fields():
    names = {(path, field) for _, path, field, _ in FIELDS}
    assert ("/api/v1/activity/{day}", "steps") in names
    assert ("/api/v1/notifications/read", "ids") in names
    assert ("/api/v1/mentor/reviews", "ids") in names
    assert ("/api/v1/announcements", "group_ids") in names


@pytest.mark.parametrize(("method", "path", "field", "is_list"), FIELDS)
def test_every_integer_field_refuses_what_is_not_an_integer(method, path, field, is_list):
    client = client_for(StaffFactory())
    url = path.replace("{day}", "2026-01-05")
    url = url.replace("{", "").replace("}", "")
    url = "/".join("1" if part.endswith("_id") else part for part in url.split("/"))
    for bad in NOT_INTEGERS:
        body = json.dumps({field: [bad] if is_list else bad})
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == 422, (url, bad, response.content[:200])
        errors = response.json()["detail"]
        flagged = isinstance(errors, list) and any(field in e["loc"] for e in errors)
        assert flagged, (url, bad, errors)


def test_150_files_answer_json_not_an_html_page(world):
    client = client_for(world.a.member)
    files = [
        SimpleUploadedFile(f"f{n}.pdf", pdf_bytes(), content_type="application/pdf")
        for n in range(150)
    ]
    response = client.post(
        "/api/v1/submissions", {"assignment": world.assignment_id, "files": files}
    )
    # 413 from the NUL guard, which parses forms before any view (or config/api.py).
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert isinstance(response.json()["detail"], str)


def test_too_many_fields_answer_json_not_an_html_page(world):
    form = {"assignment": world.assignment_id, **{f"field{n}": "x" for n in range(1500)}}
    response = client_for(world.a.member).post("/api/v1/submissions", form)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_a_json_body_past_djangos_limit_answers_json_413(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = client_for(StaffFactory())
    body = json.dumps({"ids": list(range(500))})
    response = client.post("/api/v1/notifications/read", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}
