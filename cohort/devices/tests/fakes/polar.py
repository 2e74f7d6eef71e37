"""A fake Polar AccessLink: consent page, `POST /v2/oauth2/token` (HTTP Basic client auth,
tokens that never expire, no refresh grant), `POST /v3/users` (registration; 409 when
registered), `GET /v3/users/activities?from&to` (28 days at most), `DELETE /v3/users/{id}`,
and a webhook sender signing with the signature_secret_key."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

from .oauth import GrantError, OAuthFake, WebhookCall
from .server import FakeRequest, FakeResponse


class FakePolar(OAuthFake):
    auth_path = "/oauth2/authorization"
    token_path = "/v2/oauth2/token"
    client_auth = "basic"
    label = "Polar Flow"
    access_lifetime = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = "475"  # Polar user ids are numbers
        self.signature_secret_key = "polar-webhook-key"
        self.registered: set[str] = set()
        self.route("POST", self.token_path, self._token)
        self.route("POST", "/v3/users", self._register)
        self.route("GET", "/v3/users/activities", self._activities)

    def settings(self) -> dict[str, str]:
        return {
            "POLAR_CLIENT_ID": self.client_id,
            "POLAR_CLIENT_SECRET": self.client_secret,
            "POLAR_AUTH_URL": f"{self.url}{self.auth_path}",
            "POLAR_TOKEN_URL": f"{self.url}{self.token_path}",
            "POLAR_API_URL": self.url,
            "POLAR_WEBHOOK_SECRET": self.signature_secret_key,
        }

    # -- webhooks --------------------------------------------------------------------------
    def event(
        self,
        *,
        user: str | None = None,
        day: dt.date | None = None,
        event: str = "ACTIVITY_SUMMARY",
        key: str | None = None,
    ) -> WebhookCall:
        payload: dict = {"event": event, "timestamp": "2026-12-03T14:22:24Z"}
        if event != "PING":
            user = user or self.user
            payload.update(
                user_id=int(user),
                date=(day or dt.datetime.now(dt.UTC).date()).isoformat(),
                url=f"{self.url}/v3/users/activities/{day}",
            )
        body = json.dumps(payload).encode()
        secret = (key or self.signature_secret_key).encode()
        signature = hmac.new(secret, body, hashlib.sha256).hexdigest()
        return WebhookCall("POST", body, headers={"Polar-Webhook-Signature": signature})

    # -- routes ----------------------------------------------------------------------------
    def _token(self, request: FakeRequest) -> FakeResponse:
        form = request.form()
        if form.get("grant_type") == "refresh_token":
            return FakeResponse(400, {"error": "unsupported_grant_type"})
        try:
            user, access, _refresh = self.grant(form, request.headers)
        except GrantError as error:
            status = 401 if error.error == "invalid_client" else 400
            return FakeResponse(status, {"error": error.error})
        return FakeResponse(
            200,
            {
                "access_token": access,
                "token_type": "bearer",
                "expires_in": 315359999,
                "x_user_id": int(user),
            },
        )

    def _register(self, request: FakeRequest) -> FakeResponse:
        user = self.bearer_user(request)
        if user is None:
            return FakeResponse(401, b"")
        if user in self.registered:
            return FakeResponse(409, b"")
        member_id = (request.json() or {}).get("member-id")
        if not member_id:
            return FakeResponse(400, {"error": "member-id missing"})
        self.registered.add(user)
        self.route("DELETE", f"/v3/users/{user}", self._deregister)
        return FakeResponse(
            200,
            {
                "polar-user-id": int(user),
                "member-id": member_id,
                "registration-date": "2026-12-03T10:00:00.000Z",
            },
        )

    def _deregister(self, request: FakeRequest) -> FakeResponse:
        user = self.bearer_user(request)
        if user is None or request.path != f"/v3/users/{user}":
            return FakeResponse(401 if user is None else 403, b"")
        self.registered.discard(user)
        self.withdraw(user)
        return FakeResponse(204, b"")

    def _activities(self, request: FakeRequest) -> FakeResponse:
        user = self.bearer_user(request)
        if user is None:
            return FakeResponse(401, b"")
        if user not in self.registered:
            return FakeResponse(403, b"")
        try:
            start = dt.date.fromisoformat(request.arg("from"))
            end = dt.date.fromisoformat(request.arg("to"))
        except ValueError:
            return FakeResponse(400, {"error": "from and to are required"})
        if (end - start).days >= 28 or end < start:
            return FakeResponse(400, {"error": "The range is at most 28 days"})
        return FakeResponse(
            200,
            [
                {
                    "start_time": f"{day.isoformat()}T00:00",
                    "end_time": f"{(day + dt.timedelta(days=1)).isoformat()}T00:00",
                    "active_duration": "PT2H10M",
                    "calories": 2300,
                    "active_calories": steps // 25,
                    "steps": steps,
                }
                for day, steps in self.days_between(user, start, end)
            ],
        )
