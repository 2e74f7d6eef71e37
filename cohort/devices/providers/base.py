"""The one small interface every device provider implements, and the HTTP helper they share.

A provider is a stateless adapter: it turns OAuth 2 and the provider's data API into plain
values (`Tokens`, `{date: steps}`, `WebhookEvent`) and the provider's failures into the
exceptions below. The sync hub (`cohort.devices.services`) owns everything stateful: stored
and encrypted tokens, refresh before expiry and once on a 401, retries and back-off, writing
days through the activity app. Each provider reads its settings as
`<PREFIX>_CLIENT_ID`, `<PREFIX>_CLIENT_SECRET` and base URLs `<PREFIX>_AUTH_URL`,
`<PREFIX>_TOKEN_URL`, `<PREFIX>_API_URL` (plus any it documents), so tests point them at
local fake servers; it is enabled only when the client id and secret are both set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar

import requests
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

# Called before every request a provider makes (the sync hub paces and counts them here).
REQUEST_HOOK: ContextVar[Callable[[Provider], None] | None] = ContextVar(
    "device_request_hook", default=None
)


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str = ""
    expires_at: dt.datetime | None = None  # aware UTC; None when the provider gives none
    scope: str = ""
    external_user_id: str = ""  # the member's id at the provider, when known

    def expires_within(self, seconds: int) -> bool:
        if self.expires_at is None:
            return False
        return self.expires_at <= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


@dataclass(frozen=True)
class WebhookEvent:
    """A provider's notice that a member's data changed: sync these days for them."""

    external_user_id: str
    start: dt.date
    end: dt.date


class ProviderError(Exception):
    """Any failure talking to a provider. `detail` is safe to show the member."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class TokenExpired(ProviderError):
    """401 on a data call: the hub refreshes once and tries again."""


class GrantRevoked(ProviderError):
    """The grant is gone (refresh refused, invalid_grant, consent withdrawn): the member must
    reconnect; the hub stops retrying and tells them once."""


class RateLimited(ProviderError):
    def __init__(self, detail: str, retry_after: float):
        super().__init__(detail)
        self.retry_after = retry_after


class TemporaryError(ProviderError):
    """5xx, timeout, connection refused: worth trying again later."""


class BadResponse(ProviderError):
    """An answer that is not the documented JSON (malformed, wrong shape, negative steps)."""


class WebhookRejected(ProviderError):
    """A webhook whose signature or shape does not verify: answered 4xx, nothing synced."""


class Provider:
    """Subclass per provider; register an instance in `providers/__init__.py`."""

    name: ClassVar[str]  # a DailyActivity.Source value, e.g. "google_health"
    label: ClassVar[str]  # shown to members, e.g. "Google Health (Fitbit)"
    settings_prefix: ClassVar[str]  # e.g. "GOOGLE_HEALTH"
    # {"AUTH_URL": ..., "TOKEN_URL": ..., "API_URL": ...}
    default_urls: ClassVar[dict[str, str]] = {}
    scopes: ClassVar[tuple[str, ...]] = ()
    uses_pkce: ClassVar[bool] = True
    # The provider's published limit, per client (all members together), for the hub's pacing.
    requests_per_minute: ClassVar[int] = 60
    # True when the provider reports a day with no data as no entry (the hub writes nothing
    # for it); False when "no data" is a real 0 the provider states.
    missing_day_is_unknown: ClassVar[bool] = True

    # -- settings --------------------------------------------------------------------------
    def setting(self, key: str, default: Any = "") -> Any:
        return getattr(settings, f"{self.settings_prefix}_{key}", None) or self.default_urls.get(
            key, default
        )

    @property
    def client_id(self) -> str:
        return self.setting("CLIENT_ID")

    @property
    def client_secret(self) -> str:
        return self.setting("CLIENT_SECRET")

    def enabled(self) -> bool:
        return bool(self.client_id and self.client_secret)

    # -- the interface ---------------------------------------------------------------------
    def authorise_url(self, *, redirect_uri: str, state: str, code_challenge: str | None) -> str:
        raise NotImplementedError

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str | None) -> Tokens:
        raise NotImplementedError

    def refresh(self, tokens: Tokens) -> Tokens:
        raise NotImplementedError

    def daily_steps(
        self, tokens: Tokens, *, start: dt.date, end: dt.date, time_zone: str
    ) -> dict[dt.date, int]:
        """Steps per civil day in the member's zone, `start` to `end` inclusive. A day the
        provider answered for with no activity is 0 only when the provider says so (see
        `missing_day_is_unknown`); days it said nothing about are left out."""
        raise NotImplementedError

    def revoke(self, tokens: Tokens) -> None:
        """Best effort: the hub forgets the tokens whatever happens."""
        raise NotImplementedError

    def webhook_challenge(self, request: HttpRequest) -> HttpResponse | None:
        """The answer to a subscription verification request (a GET with a challenge), or
        None when the request is not one."""
        return None

    def webhook_events(self, request: HttpRequest) -> list[WebhookEvent]:
        """Verify a webhook's signature and read it; WebhookRejected when it does not verify."""
        raise WebhookRejected("This provider sends no webhooks.")

    # -- shared HTTP -----------------------------------------------------------------------
    def timeout(self) -> float:
        return float(getattr(settings, "DEVICE_HTTP_TIMEOUT", 10))

    def http(self, method: str, url: str, *, access_token: str | None = None, **kwargs: Any) -> Any:
        """One call, its failures mapped onto the exceptions above; returns the parsed JSON."""
        headers = dict(kwargs.pop("headers", None) or {})
        if access_token:
            headers["Authorization"] = f"Bearer {access_token}"
        hook = REQUEST_HOOK.get()
        if hook is not None:
            hook(self)
        try:
            response = requests.request(
                method, url, headers=headers, timeout=self.timeout(), **kwargs
            )
        except requests.Timeout as error:
            raise TemporaryError(f"{self.label} did not answer in time.") from error
        except requests.RequestException as error:
            raise TemporaryError(f"{self.label} could not be reached.") from error
        return self.parse(response)

    def parse(self, response: requests.Response) -> Any:
        status = response.status_code
        if status == 401:
            raise TokenExpired(f"{self.label} refused the access token.")
        if status == 429:
            raise RateLimited(
                _("%(label)s asked us to slow down.") % {"label": self.label},
                _retry_after(response),
            )
        if status >= 500:
            raise TemporaryError(f"{self.label} had an error ({status}).")
        if status in (400, 403) and _is_invalid_grant(response):
            raise GrantRevoked(f"{self.label} access was withdrawn: reconnect to sync again.")
        if status >= 400:
            raise BadResponse(f"{self.label} refused the request ({status}).")
        try:
            return response.json()
        except ValueError as error:
            raise BadResponse(f"{self.label} sent an answer we could not read.") from error


def _retry_after(response: requests.Response) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        from email.utils import parsedate_to_datetime

        when = parsedate_to_datetime(value)
        return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
    except (TypeError, ValueError):
        return 60.0


def _is_invalid_grant(response: requests.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("error") in {"invalid_grant", "invalid_token"}


__all__ = [
    "BadResponse",
    "GrantRevoked",
    "Provider",
    "ProviderError",
    "RateLimited",
    "TemporaryError",
    "TokenExpired",
    "Tokens",
    "WebhookEvent",
    "WebhookRejected",
]
