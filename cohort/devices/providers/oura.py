"""Oura (API v2, OAuth 2).

Followed (cloud.ouraring.com/v2/docs and its OpenAPI document: authentication, "Multiple
Daily Activity Documents", "Single Personal Info Document", webhooks, error handling):
- consent at `cloud.ouraring.com/oauth/authorize` (scopes `personal daily`; Oura documents
  no PKCE), tokens from `POST api.ouraring.com/oauth/token` (client id and secret in the
  form). Refresh tokens work once: each refresh returns the next one. An OAuth error answers
  `{"error": "invalid_grant"}` (the member withdrew access or the refresh token was used).
- steps: `GET /v2/usercollection/daily_activity?start_date&end_date[&next_token]` ->
  `data[].day` (the member's civil day, as the ring counted it) and `data[].steps`, paged by
  `next_token` until it is null. We ask for one day past `end` (the end of the range is
  treated as exclusive by some of Oura's collections) and keep only `start`..`end`. A day
  the ring did not record has no document (missing_day_is_unknown).
- the member's id: `GET /v2/usercollection/personal_info` -> `id`, the `user_id` that
  webhooks carry.
- webhooks (subscribed once per application with `POST /v2/webhook/subscription`, an ops
  step: docs/operations.md): Oura first GETs the callback with `verification_token` and
  `challenge`, answered `{"challenge": ...}` when the token is ours (OURA_WEBHOOK_
  VERIFICATION_TOKEN). Each event is a POST of `{event_type, data_type, object_id,
  event_time, user_id}` with `x-oura-timestamp` and `x-oura-signature`, the HMAC-SHA256 of
  timestamp + raw body keyed with the client secret, upper-case hex. Only `daily_activity`
  creates and updates are synced; an event names no day, so the days around its time are.
- revoke: `GET api.ouraring.com/oauth/revoke?access_token=...`.
- limit: 5,000 requests in any 5 minutes (1,000 a minute) per application.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .base import BadResponse, Provider, Tokens, WebhookEvent, WebhookRejected
from .oauth import (
    ConsentUrl,
    EmptyAnswerOk,
    parse_day,
    parse_steps,
    said,
    token_endpoint,
    tokens_from,
)

_SYNCED_EVENTS = {"create", "update"}


class Oura(EmptyAnswerOk, ConsentUrl, Provider):
    name = "oura"
    label = "Oura"
    settings_prefix = "OURA"
    default_urls = {
        "AUTH_URL": "https://cloud.ouraring.com/oauth/authorize",
        "TOKEN_URL": "https://api.ouraring.com/oauth/token",
        "API_URL": "https://api.ouraring.com",
        "REVOKE_URL": "https://api.ouraring.com/oauth/revoke",
    }
    scopes = ("personal", "daily")
    uses_pkce = False
    requests_per_minute = 1000
    missing_day_is_unknown = True

    # -- OAuth -----------------------------------------------------------------------------

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str | None) -> Tokens:
        body = self._token_call(
            grant_type="authorization_code", code=code, redirect_uri=redirect_uri
        )
        tokens = tokens_from(body, label=self.label)
        info = self.http(
            "GET",
            f"{self.setting('API_URL')}/v2/usercollection/personal_info",
            access_token=tokens.access_token,
        )
        if not isinstance(info, dict) or not info.get("id"):
            raise BadResponse(said(self.label, _("%(provider)s did not say who the member is.")))
        return tokens_from(body, label=self.label, external_user_id=info["id"])

    def refresh(self, tokens: Tokens) -> Tokens:
        body = self._token_call(grant_type="refresh_token", refresh_token=tokens.refresh_token)
        return tokens_from(body, label=self.label, previous=tokens)

    def revoke(self, tokens: Tokens) -> None:
        self.http("GET", self.setting("REVOKE_URL"), params={"access_token": tokens.access_token})

    # -- data ------------------------------------------------------------------------------
    def daily_steps(
        self, tokens: Tokens, *, start: dt.date, end: dt.date, time_zone: str
    ) -> dict[dt.date, int]:
        """Oura's `day` is already the member's civil day: `time_zone` is not needed."""
        steps: dict[dt.date, int] = {}
        params: dict[str, Any] = {
            "start_date": start.isoformat(),
            "end_date": (end + dt.timedelta(days=1)).isoformat(),
        }
        for _page in range(100):  # a bound: a provider that always pages stops here
            body = self.http(
                "GET",
                f"{self.setting('API_URL')}/v2/usercollection/daily_activity",
                access_token=tokens.access_token,
                params=params,
            )
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise BadResponse(
                    said(self.label, _("%(provider)s sent activity we could not read."))
                )
            for document in body["data"]:
                if not isinstance(document, dict):
                    raise BadResponse(
                        said(self.label, _("%(provider)s sent activity we could not read."))
                    )
                day = parse_day(document.get("day"), label=self.label)
                if start <= day <= end:
                    steps[day] = parse_steps(document.get("steps"), label=self.label)
            next_token = body.get("next_token")
            if not next_token:
                return steps
            params["next_token"] = next_token
        raise BadResponse(said(self.label, _("%(provider)s kept paging past any sensible range.")))

    # -- webhooks --------------------------------------------------------------------------
    def webhook_challenge(self, request: HttpRequest) -> HttpResponse | None:
        if request.method != "GET" or "challenge" not in request.GET:
            return None
        expected = str(self.setting("WEBHOOK_VERIFICATION_TOKEN") or "")
        given = request.GET.get("verification_token", "")
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            return JsonResponse({"detail": "Unknown verification token."}, status=401)
        return JsonResponse({"challenge": request.GET["challenge"]})

    def webhook_events(self, request: HttpRequest) -> list[WebhookEvent]:
        timestamp = request.headers.get("x-oura-timestamp", "")
        signature = request.headers.get("x-oura-signature", "")
        if not timestamp or not signature or not self.client_secret:
            raise WebhookRejected("The event is not signed.")
        expected = hmac.new(
            self.client_secret.encode(), timestamp.encode() + request.body, hashlib.sha256
        ).hexdigest()
        if not hmac.compare_digest(expected.upper(), signature.upper()):
            raise WebhookRejected("The event's signature does not verify.")
        try:
            event = json.loads(request.body)
        except ValueError as error:
            raise WebhookRejected("The event is not JSON.") from error
        if not isinstance(event, dict) or not event.get("user_id"):
            raise WebhookRejected("The event names no user.")
        if event.get("data_type") != "daily_activity" or event.get("event_type") not in (
            _SYNCED_EVENTS
        ):
            return []
        try:
            when = dt.datetime.fromisoformat(str(event.get("event_time"))).date()
        except ValueError:
            when = dt.datetime.now(dt.UTC).date()
        return [
            WebhookEvent(
                external_user_id=str(event["user_id"]),
                start=when - dt.timedelta(days=1),
                end=when + dt.timedelta(days=1),
            )
        ]

    # -- helpers ---------------------------------------------------------------------------
    def _token_call(self, **form: str) -> dict:
        data = {"client_id": self.client_id, "client_secret": self.client_secret, **form}
        with token_endpoint(self.label):
            body = self.http("POST", self.setting("TOKEN_URL"), data=data)
        if not isinstance(body, dict):
            raise BadResponse(
                said(self.label, _("%(provider)s sent a token answer we could not read."))
            )
        return body
