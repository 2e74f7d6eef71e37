"""A fake Withings: consent page, `POST /v2/oauth2` (requesttoken for both grants, revoke
signed with a nonce), `POST /v2/signature` (getnonce), `POST /v2/measure` (getactivity, paged
with more/offset), `POST /notify` (subscribe), every answer `{"status": ..., "body": ...}`
with HTTP 200 as Withings does; and a notification callback sender."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from urllib.parse import urlencode

from .oauth import GrantError, OAuthFake, WebhookCall
from .server import FakeRequest, FakeResponse


class FakeWithings(OAuthFake):
    auth_path = "/oauth2_user/authorize2"
    token_path = "/v2/oauth2"
    label = "Withings"
    access_lifetime = 10800
    page_size = 10  # activities per page, so paging is exercised

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = "1234567"  # Withings user ids are numbers
        self.subscriptions: list[dict[str, str]] = []
        self.nonces: set[str] = set()
        self.route("POST", self.token_path, self._oauth2)
        self.route("POST", "/v2/signature", self._signature)
        self.route("POST", "/v2/measure", self._measure)
        self.route("POST", "/notify", self._notify)

    def settings(self) -> dict[str, str]:
        return {
            "WITHINGS_CLIENT_ID": self.client_id,
            "WITHINGS_CLIENT_SECRET": self.client_secret,
            "WITHINGS_AUTH_URL": f"{self.url}{self.auth_path}",
            "WITHINGS_TOKEN_URL": f"{self.url}{self.token_path}",
            "WITHINGS_API_URL": self.url,
        }

    def callback(self, *, user: str, start: int, end: int, token: str, appli: int = 16):
        """Withings' notification: a form POST, unsigned; our secret rides in the URL."""
        body = urlencode({"userid": user, "appli": appli, "startdate": start, "enddate": end})
        return WebhookCall(
            "POST",
            body.encode(),
            "application/x-www-form-urlencoded",
            query={"token": token},
        )

    # -- routes ----------------------------------------------------------------------------
    def _oauth2(self, request: FakeRequest) -> FakeResponse:
        form = request.form()
        if form.get("action") == "revoke":
            return self._revoke(form)
        if form.get("action") != "requesttoken":
            return _status(2554, "Unknown action")
        try:
            user, access, refresh = self.grant(form, request.headers)
        except GrantError as error:
            if error.error == "invalid_client":
                return _status(503, "Invalid Params: invalid client_id or client_secret")
            return _status(503, f"Invalid Params: invalid {form.get('grant_type', 'code')}")
        return _ok(
            {
                "userid": user,
                "access_token": access,
                "refresh_token": refresh,
                "expires_in": self.access_lifetime,
                "scope": "user.activity",
                "token_type": "Bearer",
            }
        )

    def _sign(self, form: dict[str, str], keys: tuple[str, ...]) -> str:
        message = ",".join(form.get(k, "") for k in sorted(keys))
        return hmac.new(self.client_secret.encode(), message.encode(), hashlib.sha256).hexdigest()

    def _signature(self, request: FakeRequest) -> FakeResponse:
        form = request.form()
        expected = self._sign(form, ("action", "client_id", "timestamp"))
        if form.get("action") != "getnonce" or form.get("signature") != expected:
            return _status(293, "Invalid signature")
        nonce = secrets.token_hex(8)
        self.nonces.add(nonce)
        return _ok({"nonce": nonce})

    def _revoke(self, form: dict[str, str]) -> FakeResponse:
        expected = self._sign(form, ("action", "client_id", "nonce"))
        if form.get("nonce") not in self.nonces or form.get("signature") != expected:
            return _status(293, "Invalid signature")
        self.nonces.discard(form["nonce"])
        self.withdraw(form.get("userid", ""))
        return _ok({})

    def _measure(self, request: FakeRequest) -> FakeResponse:
        user = self.bearer_user(request)
        if user is None:
            return _status(401, "XRequestID: Not provided invalid_token")
        form = request.form()
        if form.get("action") != "getactivity":
            return _status(2554, "Unknown action")
        try:
            start = dt.date.fromisoformat(form["startdateymd"])
            end = dt.date.fromisoformat(form["enddateymd"])
        except (KeyError, ValueError):
            return _status(503, "Invalid Params")
        days = self.days_between(user, start, end)
        offset = int(form.get("offset") or 0)
        page = days[offset : offset + self.page_size]
        more = offset + self.page_size < len(days)
        activities = [
            {
                "date": day.isoformat(),
                "timezone": "Europe/Paris",
                "deviceid": None,
                "hash_deviceid": None,
                "brand": 18,
                "is_tracker": False,
                "steps": steps,
            }
            for day, steps in page
        ]
        return _ok(
            {"activities": activities, "more": more, "offset": offset + len(page) if more else 0}
        )

    def _notify(self, request: FakeRequest) -> FakeResponse:
        if self.bearer_user(request) is None:
            return _status(401, "invalid_token")
        form = request.form()
        if form.get("action") != "subscribe" or not form.get("callbackurl"):
            return _status(503, "Invalid Params")
        self.subscriptions.append(form)
        return _ok({})


def _ok(body: dict) -> FakeResponse:
    return FakeResponse(200, {"status": 0, "body": body})


def _status(status: int, error: str) -> FakeResponse:
    return FakeResponse(200, {"status": status, "body": {}, "error": error})
