"""Inputs the fuzzer found (or would take long to find) that once answered 500: NUL
characters (PostgreSQL text cannot hold them), forged cursors, dates at the calendar's
edge. Each now answers its 4xx with JSON {"detail": ...}."""

import json
from base64 import b64encode, urlsafe_b64encode

from django.test import Client

from system.fuzz.conftest import token_may

HUGE = 10**23  # past PostgreSQL's bigint


def cursor(text: str) -> str:
    return urlsafe_b64encode(text.encode()).decode().rstrip("=")


def ninja_cursor(text: str) -> str:
    return b64encode(text.encode()).decode()


def dashboard(order: str, value, user_id=1) -> str:
    return f"/api/v1/dashboard?scope=all&order={order}&cursor=" + cursor(
        json.dumps([value, user_id])
    )


def probes(ids: dict) -> list[tuple]:
    """(role, method, url, JSON body or None, expected status)."""
    thread, group = ids["thread_id"][0], ids["group_id"][0]
    submission = ids["submission_id"][-1]
    password = "a-long-password-123"
    return [
        # NUL in a JSON body: 400 before any handler runs.
        ("organiser", "post", "/api/v1/groups", {"name": "a\x00b", "password": password}, 400),
        ("organiser", "post", f"/api/v1/groups/{group}/members", {"email": "a\x00@x.org"}, 400),
        ("organiser", "post", "/api/v1/tokens", {"name": "\x00"}, 400),
        ("member", "post", f"/api/v1/messages/threads/{thread}", {"text": "a\x00"}, 400),
        (
            "organiser",
            "post",
            "/api/v1/announcements",
            {"title": "\x00", "text": "x", "audience": "everyone"},
            400,
        ),  # noqa: E501
        (
            "mentor",
            "post",
            f"/api/v1/submissions/{submission}/review",
            {"decision": "changes", "feedback": "\x00"},
            400,
        ),  # noqa: E501
        ("member", "post", "/api/v1/auth/login", {"email": "a\x00", "password": "x"}, 400),
        # NUL in a query string: 400 before any handler, as on every page (one guard,
        # cohort.core.middleware.NulCharacterMiddleware).
        ("organiser", "get", "/api/v1/dashboard?scope=all&q=%00", None, 400),
        ("member", "get", "/api/v1/leaderboards/progress?cursor=%00", None, 400),
        # Forged cursors.
        (
            "member",
            "get",
            "/api/v1/leaderboards/progress?cursor=" + cursor(f"start={HUGE}"),
            None,
            422,
        ),  # noqa: E501
        (
            "member",
            "get",
            "/api/v1/leaderboards/points?cursor=" + cursor(f"start={2**63}"),
            None,
            422,
        ),  # noqa: E501
        (
            "member",
            "get",
            "/api/v1/leaderboards/groups?cursor=" + cursor(f"start={2**63}"),
            None,
            422,
        ),  # noqa: E501
        ("organiser", "get", dashboard("last_activity", None), None, 422),
        ("organiser", "get", dashboard("last_activity", [1]), None, 422),
        ("organiser", "get", dashboard("last_activity", "99999-01-01"), None, 422),
        ("organiser", "get", dashboard("progress", "1e999999"), None, 422),
        ("organiser", "get", dashboard("progress", "NaN"), None, 422),
        ("organiser", "get", dashboard("name", "a\x00"), None, 422),
        ("organiser", "get", dashboard("progress", "1", HUGE), None, 422),
        # Ninja's cursors (base64 of p=position&r=reverse&o=offset) with a forged position.
        ("member", "get", "/api/v1/notifications?cursor=" + ninja_cursor("p=abc"), None, 422),
        ("member", "get", "/api/v1/credits?cursor=" + ninja_cursor("p=4\x03M"), None, 422),
        ("member", "get", "/api/v1/submissions?cursor=" + ninja_cursor("p=1.5"), None, 422),
        ("member", "get", "/api/v1/announcements?cursor=" + ninja_cursor("p=high"), None, 422),
        ("member", "get", "/api/v1/messages/threads?cursor=" + ninja_cursor("p=x"), None, 422),
        ("member", "get", "/api/v1/notifications?cursor=" + ninja_cursor("p=12"), None, 200),
        # Dates at the calendar's edge.
        ("member", "get", "/api/v1/activity?to=0001-01-01", None, 200),
        ("member", "get", "/api/v1/activity?from=9999-12-31", None, 422),
        ("member", "put", "/api/v1/activity/9999-12-31", {"steps": 5}, 422),
        ("member", "put", "/api/v1/activity/0001-01-01", {"steps": 5}, 422),
        # Ids past bigint, and ids that are not numbers (no route matches: JSON 404).
        ("organiser", "put", f"/api/v1/activity/2026-11-20?user_id={HUGE}", {"steps": 5}, 404),
        ("member", "get", f"/api/v1/paths/{HUGE}/positions", None, 404),
        ("member", "get", f"/api/v1/leaderboards/progress?group={HUGE}", None, 404),
        ("mentor", "get", f"/api/v1/mentor/students?group={HUGE}", None, 404),
        ("member", "get", "/api/v1/submissions/-1", None, 404),
        ("member", "get", "/api/v1/messages/threads/1e3", None, 404),
    ]


def test_hostile_inputs_answer_4xx_with_a_detail(transactional_db, fuzz_world):
    client = Client(raise_request_exception=False)
    wrong = []
    for role, method, url, body, expected in probes(fuzz_world.ids):
        who = fuzz_world.roles[role]
        client.cookies["sessionid"] = who.session_key  # /groups and /tokens: session only
        client.cookies["csrftoken"] = "fuzz" * 8
        headers = {"HTTP_X_CSRFTOKEN": "fuzz" * 8}
        if token_may(method, url):  # other writes go by the session: tokens may not make them
            headers["HTTP_AUTHORIZATION"] = f"Bearer {who.token}"
        if body is None:
            response = getattr(client, method)(url, **headers)
        else:
            data = json.dumps(body)
            response = getattr(client, method)(
                url, data=data, content_type="application/json", **headers
            )
        shape_ok = response["Content-Type"].startswith("application/json") and (
            expected < 400 or "detail" in response.json()
        )
        if response.status_code != expected or not shape_ok:
            wrong.append(
                f"{method.upper()} {url} → {response.status_code}: {response.content[:200]}"
            )
    assert not wrong, "\n".join(wrong)
