"""A local Google Health API: consent page, token endpoint (PKCE S256, client credentials),
refresh, revoke, identity and the steps daily roll-up, in Google's documented JSON.

`fake.steps[(health_user_id, date)] = n` sets a day; days with no entry answer a real 0.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import itertools
import secrets
import threading
from typing import Any
from urllib.parse import urlencode

from .server import FakeProvider, FakeRequest, FakeResponse

CLIENT_ID = "fake-google-client"
CLIENT_SECRET = "fake-google-secret"  # noqa: S105
ROLLUP = "/v4/users/me/dataTypes/steps/dataPoints:dailyRollUp"
TOKEN = "/token"  # noqa: S105


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _error(status: int, error: str) -> FakeResponse:
    return FakeResponse(status, {"error": error, "error_description": error})


class FakeGoogleHealth(FakeProvider):
    def __init__(self, *, user_id: str = "1001", expires_in: int = 3600) -> None:
        server = getattr(self, "_server", None)
        super().__init__()
        self._server = server  # a reset keeps the running server
        self.user_id = user_id  # who the next consent signs in as
        self.expires_in = expires_in
        self.steps: dict[tuple[str, dt.date], int] = {}
        self.codes: dict[str, dict[str, str]] = {}
        self.access: dict[str, str] = {}  # access token -> user id
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> user id
        self.revoked: list[str] = []
        self._counter = itertools.count(1)
        self._guard = threading.Lock()
        self.route("GET", "/o/oauth2/v2/auth", self._consent)
        self.route("POST", "/o/oauth2/v2/auth", self._allow)
        self.route("POST", TOKEN, self._token)
        self.route("POST", "/revoke", self._revoke)
        self.route("GET", "/v4/users/me/identity", self._identity)
        self.route("POST", ROLLUP, self._rollup)

    # -- settings for the app under test ------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        return {
            "GOOGLE_HEALTH_CLIENT_ID": CLIENT_ID,
            "GOOGLE_HEALTH_CLIENT_SECRET": CLIENT_SECRET,
            "GOOGLE_HEALTH_AUTH_URL": f"{self.url}/o/oauth2/v2/auth",
            "GOOGLE_HEALTH_TOKEN_URL": f"{self.url}{TOKEN}",
            "GOOGLE_HEALTH_REVOKE_URL": f"{self.url}/revoke",
            "GOOGLE_HEALTH_API_URL": self.url,
        }

    def set_steps(self, user_id: str, days: dict[dt.date, int]) -> None:
        """The member's steps on those days (as the other fakes' set_steps)."""
        for day, steps in days.items():
            self.steps[(user_id, day)] = steps

    def issue(self, user_id: str) -> tuple[str, str]:
        """An (access, refresh) pair for `user_id`, as a finished consent would give."""
        with self._guard:
            n = next(self._counter)
        access, refresh = f"ya29.{user_id}.{n}.{secrets.token_hex(4)}", f"1//{user_id}.{n}"
        self.access[access] = user_id
        self.refresh_tokens[refresh] = user_id
        return access, refresh

    def expire_all(self) -> None:
        """Every access token stops working (as an hour passing would)."""
        self.access.clear()

    def withdraw(self, user_id: str) -> None:
        """The member removed our access in their Google account."""
        for table in (self.access, self.refresh_tokens):
            for token in [t for t, u in table.items() if u == user_id]:
                del table[token]

    # -- consent ---------------------------------------------------------------------------
    def _consent(self, request: FakeRequest) -> FakeResponse:
        if request.arg("client_id") != CLIENT_ID:
            return FakeResponse(400, "<h1>Error 401: invalid_client</h1>")
        if request.arg("code_challenge_method") != "S256" or not request.arg("code_challenge"):
            return FakeResponse(400, "<h1>Error 400: PKCE required</h1>")
        fields = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(request.arg(k))}">'
            for k in ("client_id", "redirect_uri", "state", "code_challenge", "scope")
        )
        page = (
            "<!doctype html><html><head><title>Sign in - Google Accounts</title></head><body>"
            "<h1>Cohort wants to access your Google Account</h1>"
            f"<p>See your activity and fitness data ({html.escape(request.arg('scope'))})</p>"
            f'<form method="post">{fields}'
            '<button type="submit" name="decision" value="allow">Allow</button> '
            '<button type="submit" name="decision" value="deny">Cancel</button></form>'
            "</body></html>"
        )
        return FakeResponse(200, page)

    def _allow(self, request: FakeRequest) -> FakeResponse:
        form = request.form()
        target = form.get("redirect_uri", "")
        if form.get("decision") != "allow":
            query = urlencode({"error": "access_denied", "state": form.get("state", "")})
            return FakeResponse(302, "", {"Location": f"{target}?{query}"})
        code = f"4/{secrets.token_urlsafe(12)}"
        self.codes[code] = {
            "challenge": form.get("code_challenge", ""),
            "redirect_uri": target,
            "user_id": self.user_id,
        }
        query = urlencode(
            {"code": code, "state": form.get("state", ""), "scope": form.get("scope", "")}
        )
        return FakeResponse(302, "", {"Location": f"{target}?{query}"})

    # -- tokens ----------------------------------------------------------------------------
    def _token(self, request: FakeRequest) -> FakeResponse:
        form = request.form()
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return _error(401, "invalid_client")
        grant = form.get("grant_type")
        if grant == "authorization_code":
            found = self.codes.pop(form.get("code", ""), None)
            if found is None or found["redirect_uri"] != form.get("redirect_uri"):
                return _error(400, "invalid_grant")
            if _s256(form.get("code_verifier", "")) != found["challenge"]:
                return _error(400, "invalid_grant")
            access, refresh = self.issue(found["user_id"])
            return FakeResponse(200, self._token_body(access, refresh))
        if grant == "refresh_token":
            user_id = self.refresh_tokens.get(form.get("refresh_token", ""))
            if user_id is None:
                return _error(400, "invalid_grant")
            access, _ = self.issue(user_id)
            return FakeResponse(200, self._token_body(access, None))
        return _error(400, "unsupported_grant_type")

    def _token_body(self, access: str, refresh: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "access_token": access,
            "expires_in": self.expires_in,
            "scope": "https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly",
            "token_type": "Bearer",
        }
        if refresh:
            body["refresh_token"] = refresh
        return body

    def _revoke(self, request: FakeRequest) -> FakeResponse:
        token = request.form().get("token", "")
        self.revoked.append(token)
        user_id = self.refresh_tokens.get(token) or self.access.get(token)
        if user_id is None:
            return _error(400, "invalid_token")
        self.withdraw(user_id)
        return FakeResponse(200, {})

    # -- data ------------------------------------------------------------------------------
    def _user(self, request: FakeRequest) -> str | None:
        header = request.headers.get("authorization", "")
        return self.access.get(header.removeprefix("Bearer "))

    def _identity(self, request: FakeRequest) -> FakeResponse:
        user_id = self._user(request)
        if user_id is None:
            return _error(401, "UNAUTHENTICATED")
        return FakeResponse(
            200,
            {"name": "users/me/identity", "healthUserId": user_id, "legacyUserId": f"F{user_id}"},
        )

    def _rollup(self, request: FakeRequest) -> FakeResponse:
        user_id = self._user(request)
        if user_id is None:
            return _error(401, "UNAUTHENTICATED")
        try:
            body = request.json()
            start = _day(body["range"]["start"])
            end = _day(body["range"]["end"])
            if body.get("windowSizeDays", 1) != 1 or end <= start:
                raise ValueError
        except (KeyError, TypeError, ValueError):
            return _error(400, "INVALID_ARGUMENT")
        points = []
        day = start
        while day < end:  # closed-open, as documented
            following = day + dt.timedelta(days=1)
            points.append(
                {
                    "civilStartTime": _civil(day),
                    "civilEndTime": _civil(following),
                    "steps": {"countSum": str(self.steps.get((user_id, day), 0))},
                }
            )
            day = following
        return FakeResponse(200, {"rollupDataPoints": points})


def _civil(day: dt.date) -> dict[str, Any]:
    return {"date": {"year": day.year, "month": day.month, "day": day.day}, "time": {}}


def _day(value: dict[str, Any]) -> dt.date:
    date = value["date"]
    return dt.date(date["year"], date["month"], date["day"])
