"""Ask every route as one user and note the status, each request rolled back afterwards so
that one role's write (a member removed, a token revoked) cannot change the next answer."""

import json

from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from system.security.conftest import client_for
from system.security.urls_fill import fill


class _Rollback(Exception):
    pass


def unverified_organiser_client(user) -> Client:
    """An organiser who gave the password but not yet the TOTP code."""
    client = Client()
    client.force_login(user)
    session = client.session
    session.pop(DEVICE_ID_SESSION_KEY, None)
    session.save()
    return client


def api_bodies(side) -> dict[str, dict]:
    """A valid body for each API write, so that the answer shows the role check and not the
    input validation in front of it."""
    return {
        "POST /api/v1/auth/login": {"email": side.leader.email, "password": "not-the-password"},
        "POST /api/v1/groups": {"name": "Charlie", "password": "charlie-walks-far-and-wide"},
        "POST /api/v1/groups/{group_id}/members": {"email": "newcomer@example.com"},
        "POST /api/v1/tokens": {"name": "script"},
        "PUT /api/v1/activity/{day}": {"steps": 1234},
        "POST /api/v1/devices/apple-health": {
            "data": {
                "metrics": [
                    {
                        "name": "step_count",
                        "units": "count",
                        "data": [
                            {"qty": 1234, "date": f"{timezone.now():%Y-%m-%d %H:%M:%S} +0000"}
                        ],
                    }
                ]
            }
        },
        "POST /api/v1/activity/flags/{activity_id}/review": {"decision": "confirmed"},
        "POST /api/v1/notifications/read": {"all": True},
        # Push is off in the matrix (no VAPID keys): a valid subscription is still 422.
        "POST /api/v1/notifications/push-subscriptions": {
            "endpoint": "https://fcm.googleapis.com/fcm/send/matrix",
            "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22},
        },
        "DELETE /api/v1/notifications/push-subscriptions": {
            "endpoint": "https://fcm.googleapis.com/fcm/send/matrix"
        },
        "POST /api/v1/submissions/{submission_id}/review": {"decision": "approved"},
        "POST /api/v1/announcements": {"title": "Hi", "text": "News", "audience": "everyone"},
        "POST /api/v1/messages/threads": {"user_id": side.mentor.pk},
        "POST /api/v1/messages/threads/{thread_id}": {"text": "Hello"},
        "POST /api/v1/mentor/reviews": {"ids": [side.submission.pk], "decision": "approved"},
        # multipart
        "POST /api/v1/submissions": {"assignment": side.submission.assignment_id, "text": "x"},
        "POST /api/v1/submissions/{submission_id}": {"text": "Changed"},
    }


def page_bodies(side) -> dict[str, dict]:
    """Form data for the page writes whose empty form would stop before the object lookup."""
    return {
        "POST mentor/reviews/<int:submission_id>/": {"decision": "approved"},
        "POST mentor/reviews/": {"ids": [side.submission.pk], "decision": "approved"},
        "POST mentor/flags/<int:activity_id>/": {"decision": "confirmed"},
        # Past the "are you sure?" step (cohort.core.confirm), so the answer is the action's.
        "POST group/<int:group_id>/members/<int:user_id>/remove/": {"confirmed": "yes"},
        "POST organise/people/members/<int:user_id>/remove/": {"confirmed": "yes"},
        "POST season/titles/<int:title_id>/redeem/": {"confirmed": "yes"},
        "POST people/<int:user_id>/close/": {"confirmed": "yes"},
    }


def ask(client: Client, method: str, url: str, *, api: bool, body: dict | None = None) -> int:
    try:
        with transaction.atomic():
            if api and method == "POST" and "submissions" in url and "review" not in url:
                response = client.post(url, body or {})  # multipart, as browsers send files
            elif api:
                data = "" if method == "GET" else json.dumps(body or {})
                response = client.generic(method, url, data, content_type="application/json")
            elif method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, body or {})
            status = response.status_code
            raise _Rollback
    except _Rollback:
        pass
    return status


def observe(
    routes, values: dict, clients: dict, *, api: bool, bodies: dict | None = None
) -> dict[str, tuple]:
    """{"METHOD route": (status for each role, in order)}; `clients` maps a role to a
    function making a fresh signed-in client (the cache, and with it Redis sessions, is
    cleared after each request: cached counts and boards a rolled-back request wrote)."""
    table = {}
    for key in sorted(routes):
        method, route = key.split(" ", 1)
        url = fill(route, values)
        row = []
        for make_client in clients.values():
            body = (bodies or {}).get(key)
            row.append(ask(make_client(), method, url, api=api, body=body))
            cache.clear()
        table[key] = tuple(row)
    return table


def role_clients(world) -> dict:
    return {
        "anonymous": lambda: client_for(None),
        "member": lambda: client_for(world.a.member),
        "leader": lambda: client_for(world.a.leader),
        "mentor": lambda: client_for(world.a.mentor),
        "organiser": lambda: client_for(world.organiser),
        "organiser_unverified": lambda: unverified_organiser_client(world.organiser),
    }


def differences(expected: dict, observed: dict) -> list[str]:
    missing = sorted(set(observed) - set(expected))
    gone = sorted(set(expected) - set(observed))
    lines = [f"no matrix entry for {key}: observed {observed[key]}" for key in missing]
    lines += [f"matrix entry for a route that no longer exists: {key}" for key in gone]
    lines += [
        f"{key}: expected {expected[key]}, observed {observed[key]}"
        for key in sorted(set(expected) & set(observed))
        if expected[key] != observed[key]
    ]
    return lines
