"""Withings (Public Health Data API, OAuth 2).

Followed (developer.withings.com: the OAuth web flow, "Measure v2 - Getactivity",
"Notify - Subscribe", "Signature v2", the API's status codes; its llms.md reference):
- consent at `account.withings.com/oauth2_user/authorize2` (scope `user.activity`, no PKCE:
  Withings offers none); tokens from `POST wbsapi.withings.net/v2/oauth2` with
  `action=requesttoken` and the client secret in the form. Every answer is HTTP 200 wrapped
  in `{"status": 0, "body": {...}}`: a non-zero status is the error. 100-102, 200 and 401
  mean the token failed (on a data call: refresh; on the token endpoint: the grant is gone),
  503 "invalid ... token" on the token endpoint too, 601 is "too many requests", 2554/2555
  an error on their side. Access tokens last 3 hours; each refresh returns a new refresh
  token (the old one dies), kept by the hub.
- steps: `POST /v2/measure` `action=getactivity&startdateymd&enddateymd&data_fields=steps`,
  `body.activities[].date` (the member's civil day, as their device counted it) and `.steps`,
  paged with `more`/`offset`. A day without data has no entry (missing_day_is_unknown). When
  several devices report one day, the highest count stands (summing would count a walk
  twice, once by the watch and once by the phone).
- notifications: `POST /notify action=subscribe appli=16 callbackurl` after connecting (when
  WITHINGS_CALLBACK_URL is set). Withings signs nothing: its callback, a form POST of
  `userid, appli, startdate, enddate` (UNIX seconds), is trusted only when it carries our
  secret `token` in its query string (WITHINGS_WEBHOOK_SECRET), and the hub acts only for a
  userid it knows. Withings checks the URL with a HEAD request first: answered 200.
- revoke: `POST /v2/oauth2 action=revoke userid`, signed with a nonce (`POST /v2/signature
  action=getnonce`, HMAC-SHA256 of the sorted values with the client secret).
- limit: 120 requests a minute per application.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import time
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .base import (
    BadResponse,
    GrantRevoked,
    Provider,
    ProviderError,
    RateLimited,
    TemporaryError,
    TokenExpired,
    Tokens,
    WebhookEvent,
    WebhookRejected,
)
from .oauth import ConsentUrl, parse_day, parse_steps, said, tokens_from

_TOKEN_FAILED = {100, 101, 102, 200, 401}
_THEIR_ERROR = {2554, 2555}
_ACTIVITY_APPLI = 16


class Withings(ConsentUrl, Provider):
    name = "withings"
    label = "Withings"
    settings_prefix = "WITHINGS"
    default_urls = {
        "AUTH_URL": "https://account.withings.com/oauth2_user/authorize2",
        "TOKEN_URL": "https://wbsapi.withings.net/v2/oauth2",
        "API_URL": "https://wbsapi.withings.net",
    }
    scopes = ("user.activity",)
    uses_pkce = False
    scope_separator = ","  # Withings separates scopes with commas
    requests_per_minute = 120
    missing_day_is_unknown = True

    # -- OAuth -----------------------------------------------------------------------------

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str | None) -> Tokens:
        body = self._token_call(
            grant_type="authorization_code", code=code, redirect_uri=redirect_uri
        )
        tokens = tokens_from(body, label=self.label, external_user_id=body.get("userid"))
        self._subscribe(tokens)
        return tokens

    def refresh(self, tokens: Tokens) -> Tokens:
        if not tokens.refresh_token:
            raise GrantRevoked(
                said(self.label, _("%(provider)s gave no way to renew access: reconnect."))
            )
        body = self._token_call(grant_type="refresh_token", refresh_token=tokens.refresh_token)
        return tokens_from(
            body, label=self.label, previous=tokens, external_user_id=body.get("userid")
        )

    def revoke(self, tokens: Tokens) -> None:
        if not tokens.external_user_id:
            return
        nonce = self._nonce()
        form = {"action": "revoke", "client_id": self.client_id, "nonce": nonce}
        form["signature"] = self._signature(form)
        form["userid"] = tokens.external_user_id
        self._unwrap(self.http("POST", self.setting("TOKEN_URL"), data=form), token_call=True)

    # -- data ------------------------------------------------------------------------------
    def daily_steps(
        self, tokens: Tokens, *, start: dt.date, end: dt.date, time_zone: str
    ) -> dict[dt.date, int]:
        """Withings dates are already the member's civil days: `time_zone` is not needed."""
        steps: dict[dt.date, int] = {}
        offset: Any = None
        for _page in range(100):  # a bound: a provider that always says "more" stops here
            form: dict[str, Any] = {
                "action": "getactivity",
                "startdateymd": start.isoformat(),
                "enddateymd": end.isoformat(),
                "data_fields": "steps",
            }
            if offset:
                form["offset"] = offset
            body = self._unwrap(
                self.http(
                    "POST",
                    f"{self.setting('API_URL')}/v2/measure",
                    access_token=tokens.access_token,
                    data=form,
                )
            )
            activities = body.get("activities")
            if not isinstance(activities, list):
                raise BadResponse(
                    said(self.label, _("%(provider)s sent activity we could not read."))
                )
            for entry in activities:
                if not isinstance(entry, dict):
                    raise BadResponse(
                        said(self.label, _("%(provider)s sent activity we could not read."))
                    )
                day = parse_day(entry.get("date"), label=self.label)
                if start <= day <= end and entry.get("steps") is not None:
                    count = parse_steps(entry["steps"], label=self.label)
                    steps[day] = max(count, steps.get(day, 0))
            if not body.get("more"):
                return steps
            offset = body.get("offset")
            if not offset:
                raise BadResponse(
                    said(self.label, _("%(provider)s said there was more but not where."))
                )
        raise BadResponse(said(self.label, _("%(provider)s kept paging past any sensible range.")))

    # -- notifications ---------------------------------------------------------------------
    def webhook_challenge(self, request: HttpRequest) -> HttpResponse | None:
        """Withings checks a callback URL with HEAD before it subscribes it."""
        if request.method == "HEAD":
            return HttpResponse(status=200)
        return None

    def webhook_events(self, request: HttpRequest) -> list[WebhookEvent]:
        secret = str(self.setting("WEBHOOK_SECRET") or "")
        given = request.GET.get("token", "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            raise WebhookRejected("The notification does not carry our token.")
        form = request.POST
        user_id = form.get("userid", "")
        try:
            appli = int(form.get("appli", ""))
            first = int(form.get("startdate", ""))
            last = int(form.get("enddate", ""))
        except ValueError as error:
            raise WebhookRejected("The notification lacks appli, startdate or enddate.") from error
        if not user_id or last < first:
            raise WebhookRejected("The notification names no user or an empty period.")
        if appli != _ACTIVITY_APPLI:
            return []  # weight, sleep, ...: nothing we count
        # UNIX instants: their civil days may lie a day either side in the member's zone.
        start = dt.datetime.fromtimestamp(first, dt.UTC).date() - dt.timedelta(days=1)
        end = dt.datetime.fromtimestamp(last, dt.UTC).date() + dt.timedelta(days=1)
        return [WebhookEvent(external_user_id=user_id, start=start, end=end)]

    # -- helpers ---------------------------------------------------------------------------
    def _token_call(self, **form: str) -> dict:
        data = {
            "action": "requesttoken",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            **form,
        }
        answer = self.http("POST", self.setting("TOKEN_URL"), data=data)
        return self._unwrap(answer, token_call=True)

    def _subscribe(self, tokens: Tokens) -> None:
        """Ask Withings to call us when the member's activity changes. Best effort: the
        nightly sync still runs without it."""
        base = str(self.setting("CALLBACK_URL") or "")
        if not base:
            return
        secret = str(self.setting("WEBHOOK_SECRET") or "")
        joiner = "&" if "?" in base else "?"
        callback = f"{base}{joiner}token={secret}" if secret else base
        with contextlib.suppress(ProviderError):
            self._unwrap(
                self.http(
                    "POST",
                    f"{self.setting('API_URL')}/notify",
                    access_token=tokens.access_token,
                    data={"action": "subscribe", "callbackurl": callback, "appli": _ACTIVITY_APPLI},
                )
            )

    def _nonce(self) -> str:
        form = {
            "action": "getnonce",
            "client_id": self.client_id,
            "timestamp": str(int(time.time())),
        }
        form["signature"] = self._signature(form)
        body = self._unwrap(
            self.http("POST", f"{self.setting('API_URL')}/v2/signature", data=form), token_call=True
        )
        nonce = body.get("nonce")
        if not isinstance(nonce, str) or not nonce:
            raise BadResponse(said(self.label, _("%(provider)s sent no nonce.")))
        return nonce

    def _signature(self, form: dict[str, str]) -> str:
        """Withings' request signature: HMAC-SHA256 (client secret) of the values of `action`,
        `client_id` and `nonce` or `timestamp`, sorted by name and joined with commas."""
        message = ",".join(str(form[key]) for key in sorted(form))
        return hmac.new(self.client_secret.encode(), message.encode(), hashlib.sha256).hexdigest()

    def _unwrap(self, answer: Any, *, token_call: bool = False) -> dict:
        """The `body` of a `{"status": 0, "body": ...}` answer, or the error its status means."""
        if not isinstance(answer, dict) or not isinstance(answer.get("status"), int):
            raise BadResponse(said(self.label, _("%(provider)s sent an answer we could not read.")))
        status = answer["status"]
        if status == 0:
            body = answer.get("body", {})
            if not isinstance(body, dict):
                raise BadResponse(
                    said(self.label, _("%(provider)s sent an answer we could not read."))
                )
            return body
        error = str(answer.get("error") or "")
        if status == 601:
            raise RateLimited(said(self.label, _("%(provider)s asked us to slow down.")), 60.0)
        if status in _TOKEN_FAILED or (token_call and status == 503 and "invalid" in error.lower()):
            if token_call:
                raise GrantRevoked(
                    said(
                        self.label, _("%(provider)s access was withdrawn: reconnect to sync again.")
                    )
                )
            raise TokenExpired(said(self.label, _("%(provider)s refused the access token.")))
        if status in _THEIR_ERROR:
            raise TemporaryError(
                said(self.label, _("%(provider)s had an error (%(status)s)."), status=status)
            )
        raise BadResponse(
            said(self.label, _("%(provider)s refused the request (%(status)s)."), status=status)
        )
