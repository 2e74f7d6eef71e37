"""Small OAuth 2 pieces the provider adapters share: the authorisation URL (built by authlib,
so `state`, scopes and the PKCE challenge are encoded the standard way) and `Tokens` from a
token endpoint's answer."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

import requests
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from django.utils.translation import gettext as _

from .base import BadResponse, TokenExpired, Tokens


def authorise_url(
    url: str,
    *,
    client_id: str,
    redirect_uri: str,
    state: str,
    scope: str,
    code_challenge: str | None = None,
    **extra: str,
) -> str:
    """The consent page's URL for the authorisation-code grant (S256 PKCE when a challenge
    is given)."""
    if code_challenge:
        extra.update(code_challenge=code_challenge, code_challenge_method="S256")
    return prepare_grant_uri(
        url,
        client_id,
        "code",
        redirect_uri=redirect_uri,
        scope=scope or None,
        state=state,
        **extra,
    )


class ConsentUrl:
    """The consent page's URL from the provider's settings and scopes (a mixin before
    Provider): scopes joined by `scope_separator`, PKCE only where the provider uses it."""

    scope_separator = " "

    def authorise_url(self, *, redirect_uri: str, state: str, code_challenge: str | None) -> str:
        return authorise_url(
            self.setting("AUTH_URL"),  # type: ignore[attr-defined]
            client_id=self.client_id,  # type: ignore[attr-defined]
            redirect_uri=redirect_uri,
            state=state,
            scope=self.scope_separator.join(self.scopes),  # type: ignore[attr-defined]
            code_challenge=code_challenge if self.uses_pkce else None,  # type: ignore[attr-defined]
        )


def tokens_from(
    body: Any,
    *,
    label: str,
    previous: Tokens | None = None,
    external_user_id: Any = None,
) -> Tokens:
    """Tokens from a token endpoint's JSON (`access_token`, `refresh_token`, `expires_in`,
    `scope`). A refresh that returns no new refresh token keeps the previous one."""
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise BadResponse(said(label, _("%(provider)s sent a token answer we could not read.")))
    expires_in = body.get("expires_in")
    expires_at = None
    if expires_in is not None:
        try:
            expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=int(expires_in))
        except (TypeError, ValueError) as error:
            raise BadResponse(
                said(label, _("%(provider)s sent a token answer we could not read."))
            ) from error
    user_id = external_user_id if external_user_id is not None else ""
    if not user_id and previous is not None:
        user_id = previous.external_user_id
    return Tokens(
        access_token=body["access_token"],
        refresh_token=str(body.get("refresh_token") or (previous and previous.refresh_token) or ""),
        expires_at=expires_at,
        scope=str(body.get("scope") or (previous and previous.scope) or ""),
        external_user_id=str(user_id),
    )


def said(label: str, message: str, **values: object) -> str:
    """A translated message about a provider: `message` holds `%(provider)s` (and any
    `values`), e.g. said(self.label, _("%(provider)s sent an answer we could not read."))."""
    return message % {"provider": label, **values}


def parse_day(value: Any, *, label: str) -> dt.date:
    """A civil date from a provider's `YYYY-MM-DD` (or an ISO date-time's date part)."""
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as error:
        raise BadResponse(said(label, _("%(provider)s sent a day we could not read."))) from error


def parse_steps(value: Any, *, label: str) -> int:
    """A day's steps: a whole number, not negative (an int64 may come as a string)."""
    if isinstance(value, bool):
        raise BadResponse(said(label, _("%(provider)s sent a step count we could not read.")))
    try:
        steps = int(value)
    except (TypeError, ValueError) as error:
        raise BadResponse(
            said(label, _("%(provider)s sent a step count we could not read."))
        ) from error
    if steps < 0 or (isinstance(value, float) and value != steps):
        raise BadResponse(said(label, _("%(provider)s sent a step count we could not read.")))
    return steps


class EmptyAnswerOk:
    """Mixin for a Provider: a 2xx answer with no body (204 on a DELETE, an empty 200 from a
    revoke) is a success, not malformed JSON."""

    def parse(self, response: requests.Response) -> Any:
        if response.status_code < 400 and not response.content.strip():
            return None
        return super().parse(response)  # type: ignore[misc]


@contextlib.contextmanager
def token_endpoint(label: str) -> Iterator[None]:
    """Around a call to a token endpoint: its 401 is our client credentials refused
    (`invalid_client`), a configuration fault, not a member's expired token."""
    try:
        yield
    except TokenExpired as error:
        raise BadResponse(said(label, _("%(provider)s refused our client credentials."))) from error
