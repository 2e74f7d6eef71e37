"""Google Health API (the Fitbit Web API's successor): OAuth 2 with PKCE, one daily roll-up.

Steps per civil day come from `POST /v4/users/me/dataTypes/steps/dataPoints:dailyRollUp`
with a civil-date range and `windowSizeDays: 1`; each answered day carries
`steps.countSum`, an int64 sent as a string. Google states a day with no points as a real 0
(its "true zeros"), so every day of the range answered for is written. The member's id is
`healthUserId` from `GET /v4/users/me/identity`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from authlib.common.urls import add_params_to_uri

from .base import BadResponse, GrantRevoked, Provider, ProviderError, TokenExpired, Tokens

SCOPE = "https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly"


def _civil(day: dt.date) -> dict[str, Any]:
    return {"date": {"year": day.year, "month": day.month, "day": day.day}}


def _civil_date(value: Any) -> dt.date:
    date = value["date"]
    return dt.date(int(date["year"]), int(date["month"]), int(date["day"]))


def tokens_from_answer(body: Any, *, previous: Tokens | None = None) -> Tokens:
    """A token endpoint's JSON as Tokens; a refresh that sends no new refresh token keeps
    the old one (Google sends it only on the first exchange)."""
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise BadResponse("Google Health sent a token answer we could not read.")
    expires_in = body.get("expires_in")
    expires_at = None
    if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool):
        expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=int(expires_in))
    return Tokens(
        access_token=body["access_token"],
        refresh_token=body.get("refresh_token") or (previous.refresh_token if previous else ""),
        expires_at=expires_at,
        scope=body.get("scope") or (previous.scope if previous else ""),
        external_user_id=previous.external_user_id if previous else "",
    )


class GoogleHealth(Provider):
    name = "google_health"
    label = "Google Health (Fitbit)"
    settings_prefix = "GOOGLE_HEALTH"
    default_urls = {
        "AUTH_URL": "https://accounts.google.com/o/oauth2/v2/auth",
        "TOKEN_URL": "https://oauth2.googleapis.com/token",
        "REVOKE_URL": "https://oauth2.googleapis.com/revoke",
        "API_URL": "https://health.googleapis.com",
    }
    scopes = (SCOPE,)
    uses_pkce = True
    # The Google Health API's default per-project quota is far higher; this paces us well
    # inside it and is overridable (GOOGLE_HEALTH_REQUESTS_PER_MINUTE).
    requests_per_minute = 600
    missing_day_is_unknown = False  # Google states "no steps" as a real 0

    def authorise_url(self, *, redirect_uri: str, state: str, code_challenge: str | None) -> str:
        params = [
            ("response_type", "code"),
            ("client_id", self.client_id),
            ("redirect_uri", redirect_uri),
            ("scope", " ".join(self.scopes)),
            ("state", state),
            ("access_type", "offline"),  # a refresh token, for the nightly sync
            ("prompt", "consent"),
        ]
        if code_challenge:
            params += [("code_challenge", code_challenge), ("code_challenge_method", "S256")]
        return add_params_to_uri(self.setting("AUTH_URL"), params)

    def _token(self, form: dict[str, str]) -> Any:
        form = {**form, "client_id": self.client_id, "client_secret": self.client_secret}
        return self.http("POST", self.setting("TOKEN_URL"), data=form)

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str | None) -> Tokens:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if code_verifier:
            form["code_verifier"] = code_verifier
        tokens = tokens_from_answer(self._token(form))
        identity = self.http(
            "GET",
            f"{self.setting('API_URL')}/v4/users/me/identity",
            access_token=tokens.access_token,
        )
        if not isinstance(identity, dict) or not identity.get("healthUserId"):
            raise BadResponse("Google Health did not say who you are.")
        return replace(tokens, external_user_id=str(identity["healthUserId"]))

    def refresh(self, tokens: Tokens) -> Tokens:
        if not tokens.refresh_token:
            raise GrantRevoked("Google Health gave no refresh token: reconnect to sync again.")
        try:
            body = self._token(
                {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token}
            )
        except ProviderError as error:
            if isinstance(error, (TokenExpired, BadResponse)):
                # 401 invalid_client or a 400 other than invalid_grant: the grant is unusable.
                raise GrantRevoked(error.detail) from error
            raise
        return tokens_from_answer(body, previous=tokens)

    def daily_steps(
        self, tokens: Tokens, *, start: dt.date, end: dt.date, time_zone: str
    ) -> dict[dt.date, int]:
        url = f"{self.setting('API_URL')}/v4/users/me/dataTypes/steps/dataPoints:dailyRollUp"
        body: dict[str, Any] = {
            # Closed-open: the day after `end` ends the range.
            "range": {"start": _civil(start), "end": _civil(end + dt.timedelta(days=1))},
            "windowSizeDays": 1,
        }
        days: dict[dt.date, int] = {}
        for _ in range(50):  # pages; a week fits in one
            answer = self.http("POST", url, access_token=tokens.access_token, json=body)
            days.update(self._read_points(answer, start=start, end=end))
            token = answer.get("nextPageToken") if isinstance(answer, dict) else None
            if not token:
                break
            body["pageToken"] = token
        return days

    def _read_points(self, answer: Any, *, start: dt.date, end: dt.date) -> dict[dt.date, int]:
        points = answer.get("rollupDataPoints", []) if isinstance(answer, dict) else None
        if not isinstance(points, list):
            raise BadResponse("Google Health sent steps we could not read.")
        days: dict[dt.date, int] = {}
        try:
            for point in points:
                day = _civil_date(point["civilStartTime"])
                steps = int(str((point.get("steps") or {}).get("countSum", "0")))
                if steps < 0:
                    raise ValueError(steps)
                if start <= day <= end:
                    days[day] = steps
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise BadResponse("Google Health sent steps we could not read.") from error
        return days

    def revoke(self, tokens: Tokens) -> None:
        token = tokens.refresh_token or tokens.access_token
        self.http("POST", self.setting("REVOKE_URL"), data={"token": token})
