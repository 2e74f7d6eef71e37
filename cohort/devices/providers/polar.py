"""Polar (AccessLink API v3, OAuth 2).

Followed (www.polar.com/accesslink-api: "Authentication", "Users", "Daily activity",
"Webhooks", rate limits; its OpenAPI/AsyncAPI descriptions):
- consent at `flow.polar.com/oauth2/authorization` (scope `accesslink.read_all`; Polar
  documents no PKCE); tokens from `POST polarremote.com/v2/oauth2/token` with the client
  id and secret as HTTP Basic auth. The answer carries `x_user_id`, the member's Polar id.
  Polar's tokens do not expire and there is no refresh grant: `expires_at` is left empty so
  the hub never refreshes, and a 401 (the member withdrew access at Polar Flow) makes
  `refresh` report the grant gone.
- after the first token the member must be registered: `POST /v3/users` with
  `{"member-id": ...}` (409: already registered, which is fine).
- steps: the non-transactional daily activity, `GET /v3/users/activities?from&to` (at most
  28 days a request, so longer ranges are asked in pieces) -> a list of days, each with
  `start_time` (the member's local midnight, as the device counted it) and `steps`. A day
  without data is absent (missing_day_is_unknown).
- webhooks (one per client, created with `POST /v3/webhooks`, an ops step): each POST is
  JSON `{event, user_id, date, timestamp, url}` signed in `Polar-Webhook-Signature`, the
  hex HMAC-SHA256 of the raw body keyed with the `signature_secret_key` Polar returned when
  the webhook was made (POLAR_WEBHOOK_SECRET). The `PING` Polar sends when the webhook is
  created (before we can know that key) is answered 200 and triggers nothing.
  `ACTIVITY_SUMMARY` events sync their `date`.
- revoke: `DELETE /v3/users/{x_user_id}` (de-registers the member; 204).
- limit: 500 + 20 per registered member requests in 15 minutes (and 5,000 + 100 per member a
  day): at least 33 a minute, so 30 a minute is paced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import requests
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .base import (
    BadResponse,
    GrantRevoked,
    Provider,
    Tokens,
    WebhookEvent,
    WebhookRejected,
)
from .oauth import (
    ConsentUrl,
    EmptyAnswerOk,
    parse_day,
    parse_steps,
    said,
    token_endpoint,
    tokens_from,
)

_MAX_DAYS_A_REQUEST = 28
_ALREADY_REGISTERED = object()


class Polar(EmptyAnswerOk, ConsentUrl, Provider):
    name = "polar"
    label = "Polar"
    settings_prefix = "POLAR"
    default_urls = {
        "AUTH_URL": "https://flow.polar.com/oauth2/authorization",
        "TOKEN_URL": "https://polarremote.com/v2/oauth2/token",
        "API_URL": "https://www.polaraccesslink.com",
    }
    scopes = ("accesslink.read_all",)
    uses_pkce = False
    requests_per_minute = 30
    missing_day_is_unknown = True

    # -- OAuth -----------------------------------------------------------------------------

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str | None) -> Tokens:
        with token_endpoint(self.label):
            body = self.http(
                "POST",
                self.setting("TOKEN_URL"),
                auth=(self.client_id, self.client_secret),
                headers={"Accept": "application/json"},
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": redirect_uri,
                },
            )
        if not isinstance(body, dict) or not body.get("x_user_id"):
            raise BadResponse(said(self.label, _("%(provider)s did not say who the member is.")))
        body = {**body, "expires_in": None, "refresh_token": ""}  # never expires, no refresh
        tokens = tokens_from(body, label=self.label, external_user_id=body["x_user_id"])
        self._register(tokens)
        return tokens

    def refresh(self, tokens: Tokens) -> Tokens:
        """Polar has no refresh grant and its tokens do not expire: a refused token means the
        member withdrew access."""
        raise GrantRevoked(
            said(self.label, _("%(provider)s access was withdrawn: reconnect to sync again."))
        )

    def revoke(self, tokens: Tokens) -> None:
        if tokens.external_user_id:
            self.http(
                "DELETE",
                f"{self.setting('API_URL')}/v3/users/{tokens.external_user_id}",
                access_token=tokens.access_token,
            )

    # -- data ------------------------------------------------------------------------------
    def daily_steps(
        self, tokens: Tokens, *, start: dt.date, end: dt.date, time_zone: str
    ) -> dict[dt.date, int]:
        """Polar's days are already the member's civil days: `time_zone` is not needed."""
        steps: dict[dt.date, int] = {}
        first = start
        while first <= end:
            last = min(end, first + dt.timedelta(days=_MAX_DAYS_A_REQUEST - 1))
            body = self.http(
                "GET",
                f"{self.setting('API_URL')}/v3/users/activities",
                access_token=tokens.access_token,
                headers={"Accept": "application/json"},
                params={"from": first.isoformat(), "to": last.isoformat()},
            )
            if body is None:
                body = []  # 204: no days in this piece
            if not isinstance(body, list):
                raise BadResponse(
                    said(self.label, _("%(provider)s sent activity we could not read."))
                )
            for entry in body:
                if not isinstance(entry, dict):
                    raise BadResponse(
                        said(self.label, _("%(provider)s sent activity we could not read."))
                    )
                day = parse_day(entry.get("start_time"), label=self.label)
                if start <= day <= end:
                    steps[day] = parse_steps(entry.get("steps"), label=self.label)
            first = last + dt.timedelta(days=1)
        return steps

    # -- webhooks --------------------------------------------------------------------------
    def webhook_challenge(self, request: HttpRequest) -> HttpResponse | None:
        """Polar's PING when the webhook is created: 200, or Polar refuses to create it."""
        if request.method == "POST" and _event_of(request.body).get("event") == "PING":
            return JsonResponse({})
        return None

    def webhook_events(self, request: HttpRequest) -> list[WebhookEvent]:
        secret = str(self.setting("WEBHOOK_SECRET") or "")
        signature = request.headers.get("polar-webhook-signature", "")
        if not secret or not signature:
            raise WebhookRejected("The event is not signed.")
        expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.lower(), signature.strip().lower()):
            raise WebhookRejected("The event's signature does not verify.")
        event = _event_of(request.body)
        if not event.get("user_id"):
            raise WebhookRejected("The event names no user.")
        if event.get("event") != "ACTIVITY_SUMMARY":
            return []
        if event.get("date"):
            try:
                day = dt.date.fromisoformat(str(event["date"]))
            except ValueError as error:
                raise WebhookRejected("The event's date cannot be read.") from error
            start = end = day
        else:
            now = dt.datetime.now(dt.UTC).date()
            start, end = now - dt.timedelta(days=1), now + dt.timedelta(days=1)
        return [WebhookEvent(external_user_id=str(event["user_id"]), start=start, end=end)]

    # -- helpers ---------------------------------------------------------------------------
    def parse(self, response: requests.Response) -> Any:
        if response.status_code == 409:
            return _ALREADY_REGISTERED  # only registration answers 409
        return super().parse(response)

    def _register(self, tokens: Tokens) -> None:
        answer = self.http(
            "POST",
            f"{self.setting('API_URL')}/v3/users",
            access_token=tokens.access_token,
            headers={"Accept": "application/json"},
            json={"member-id": f"cohort-{tokens.external_user_id}"},
        )
        if answer is not _ALREADY_REGISTERED and not isinstance(answer, dict):
            raise BadResponse(said(self.label, _("%(provider)s did not register the member.")))


def _event_of(body: bytes) -> dict:
    try:
        event = json.loads(body or b"{}")
    except ValueError:
        return {}
    return event if isinstance(event, dict) else {}
