"""A fake Oura (API v2): consent page, `POST /oauth/token` (authorisation code, single-use
refresh tokens), `GET /oauth/revoke`, `GET /v2/usercollection/personal_info`,
`GET /v2/usercollection/daily_activity` (paged with next_token), and a webhook sender
(the verification GET and signed events)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time

from .oauth import GrantError, OAuthFake, WebhookCall
from .server import FakeRequest, FakeResponse


class FakeOura(OAuthFake):
    auth_path = "/oauth/authorize"
    token_path = "/oauth/token"
    label = "Oura"
    access_lifetime = 86400
    page_size = 10

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = "8f9a5221-639e-4a2c-8e3c-1a2b3c4d5e6f"
        self.route("POST", self.token_path, self._token)
        self.route("GET", "/oauth/revoke", self._revoke)
        self.route("GET", "/v2/usercollection/personal_info", self._personal_info)
        self.route("GET", "/v2/usercollection/daily_activity", self._daily_activity)

    def settings(self) -> dict[str, str]:
        return {
            "OURA_CLIENT_ID": self.client_id,
            "OURA_CLIENT_SECRET": self.client_secret,
            "OURA_AUTH_URL": f"{self.url}{self.auth_path}",
            "OURA_TOKEN_URL": f"{self.url}{self.token_path}",
            "OURA_API_URL": self.url,
            "OURA_REVOKE_URL": f"{self.url}/oauth/revoke",
        }

    # -- webhooks --------------------------------------------------------------------------
    def verification(self, *, token: str, challenge: str = "c-123") -> WebhookCall:
        return WebhookCall("GET", query={"verification_token": token, "challenge": challenge})

    def event(
        self,
        *,
        user: str | None = None,
        when: dt.datetime | None = None,
        data_type: str = "daily_activity",
        event_type: str = "update",
        secret: str | None = None,
    ) -> WebhookCall:
        when = when or dt.datetime.now(dt.UTC)
        body = json.dumps(
            {
                "event_type": event_type,
                "data_type": data_type,
                "object_id": "b3c1e2d4",
                "event_time": when.isoformat(),
                "user_id": user or self.user,
            }
        ).encode()
        timestamp = str(int(time.time()))
        key = (secret or self.client_secret).encode()
        signature = hmac.new(key, timestamp.encode() + body, hashlib.sha256).hexdigest().upper()
        return WebhookCall(
            "POST", body, headers={"x-oura-timestamp": timestamp, "x-oura-signature": signature}
        )

    # -- routes ----------------------------------------------------------------------------
    def _token(self, request: FakeRequest) -> FakeResponse:
        try:
            _user, access, refresh = self.grant(request.form(), request.headers)
        except GrantError as error:
            status = 401 if error.error == "invalid_client" else 400
            return FakeResponse(status, {"error": error.error})
        return FakeResponse(
            200,
            {
                "token_type": "bearer",
                "access_token": access,
                "refresh_token": refresh,
                "expires_in": self.access_lifetime,
                "scope": "personal daily",
            },
        )

    def _revoke(self, request: FakeRequest) -> FakeResponse:
        user = self.access.get(request.arg("access_token"))
        if user is None:
            return FakeResponse(400, {"error": "invalid_token"})
        self.withdraw(user)
        return FakeResponse(200, b"")

    def _personal_info(self, request: FakeRequest) -> FakeResponse:
        user = self.bearer_user(request)
        if user is None:
            return _unauthorised()
        return FakeResponse(200, {"id": user, "age": 35, "email": f"{user[:8]}@example.com"})

    def _daily_activity(self, request: FakeRequest) -> FakeResponse:
        user = self.bearer_user(request)
        if user is None:
            return _unauthorised()
        try:
            start = dt.date.fromisoformat(request.arg("start_date"))
            end = dt.date.fromisoformat(request.arg("end_date"))
        except ValueError:
            return FakeResponse(400, {"status": 400, "title": "Invalid date"})
        days = self.days_between(user, start, end)  # inclusive, as the adapter allows for
        offset = int(request.arg("next_token") or 0)
        page = days[offset : offset + self.page_size]
        more = offset + self.page_size < len(days)
        data = [
            {
                "id": f"{user[:8]}-{day.isoformat()}",
                "class_5_min": None,
                "score": 80,
                "active_calories": steps // 25,
                "steps": steps,
                "day": day.isoformat(),
                "timestamp": f"{day.isoformat()}T04:00:00+00:00",
            }
            for day, steps in page
        ]
        return FakeResponse(
            200, {"data": data, "next_token": str(offset + len(page)) if more else None}
        )


def _unauthorised() -> FakeResponse:
    return FakeResponse(
        401, {"status": 401, "title": "Invalid access token", "detail": "Expired or revoked"}
    )
