"""The OAuth 2 half that the Withings, Oura and Polar fakes share: a consent page with an
Allow button that redirects with `code` and `state`, the authorisation-code and refresh
grants (client credentials, redirect URI and, where the provider uses it, the PKCE S256
verifier checked), access and refresh tokens per member, revocation; the members' steps per
day; and `WebhookCall`, a signed webhook request to hand to our endpoint."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from .server import FakeProvider, FakeRequest, FakeResponse


@dataclass
class WebhookCall:
    """A provider's webhook request: `.send(url)` over HTTP (a live server), or
    `.django(path)` for Django's RequestFactory / test client."""

    method: str
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)

    def send(self, url: str) -> requests.Response:
        return requests.request(
            self.method,
            url,
            params=self.query,
            data=self.body,
            headers={"Content-Type": self.content_type, **self.headers},
            timeout=10,
        )

    def django(self, path: str, factory: Any = None):
        """A Django HttpRequest (RequestFactory) for an adapter's webhook methods."""
        from django.test import RequestFactory

        factory = factory or RequestFactory()
        target = f"{path}?{urlencode(self.query)}" if self.query else path
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in self.headers.items()}
        if self.method == "GET":
            return factory.get(target, **extra)
        if self.method == "HEAD":
            return factory.head(target, **extra)
        return factory.generic(
            self.method, target, data=self.body, content_type=self.content_type, **extra
        )


class OAuthFake(FakeProvider):
    """Subclasses set the paths and the shape of their answers."""

    auth_path = "/oauth/authorize"
    token_path = "/oauth/token"
    client_auth = "form"  # or "basic"
    uses_pkce = False
    access_lifetime: int | None = 3600  # seconds; None: the token never expires
    label = "Fake provider"

    def __init__(self, *, client_id: str = "cohort-client", client_secret: str = "s3cret"):  # noqa: S107
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.user = "member-1"  # who the consent page signs in as
        self.codes: dict[str, dict[str, str]] = {}
        self.access: dict[str, str] = {}  # access token -> user
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> user
        self.revoked: set[str] = set()  # users who withdrew access
        self.steps: dict[str, dict[dt.date, int]] = {}
        # For benchmarks: steps for a member without set_steps(), None for no data that day.
        self.generate: Callable[[str, dt.date], int | None] | None = None
        self.route("GET", self.auth_path, self._consent)
        self.route("GET", "/consent/allow", self._allow)
        self.route("GET", "/consent/deny", self._deny)

    # -- for tests -------------------------------------------------------------------------
    def set_steps(self, user: str, days: dict[dt.date, int]) -> None:
        self.steps.setdefault(user, {}).update(days)

    def consent(self, authorise_url: str, *, allow: bool = True) -> dict[str, str]:
        """What a member's browser does: open the consent page, press Allow (or Deny);
        returns the query of the redirect back to us (code and state, or error)."""
        page = requests.get(authorise_url, timeout=10)
        page.raise_for_status()
        marker = 'href="' + ("/consent/allow" if allow else "/consent/deny")
        start = page.text.index(marker) + len('href="')
        link = html.unescape(page.text[start : page.text.index('"', start)])
        answer = requests.get(f"{self.url}{link}", allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text
        return {k: v[-1] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}

    def issue(self, user: str | None = None) -> tuple[str, str]:
        """(access, refresh) tokens for `user` as if they had connected."""
        user = user or self.user
        access, refresh = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
        self.access[access] = user
        self.refresh_tokens[refresh] = user
        self.revoked.discard(user)
        return access, refresh

    def withdraw(self, user: str) -> None:
        """The member withdrew access at the provider: every token of theirs stops working."""
        self.revoked.add(user)

    # -- the consent page ------------------------------------------------------------------
    def _consent(self, request: FakeRequest) -> FakeResponse:
        wanted = {k: request.arg(k) for k in ("client_id", "redirect_uri", "state", "scope")}
        if wanted["client_id"] != self.client_id or not wanted["redirect_uri"]:
            return FakeResponse(400, "<h1>Unknown application</h1>")
        if request.arg("response_type") != "code":
            return FakeResponse(400, "<h1>response_type must be code</h1>")
        if self.uses_pkce and request.arg("code_challenge_method") != "S256":
            return FakeResponse(400, "<h1>PKCE S256 required</h1>")
        wanted["code_challenge"] = request.arg("code_challenge")
        query = html.escape(urlencode(wanted))
        body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width"><title>{self.label}: allow access</title>
<style>body{{font-family:sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem}}
a[role=button]{{display:inline-block;padding:.7rem 1.4rem;margin:.3rem .5rem 0 0;
border:1px solid #333;border-radius:.4rem;text-decoration:none;color:#111}}
#allow{{background:#1a7f37;color:#fff;border-color:#1a7f37}}</style>
</head><body><h1>{self.label}</h1><p>Cohort would like to read your daily steps
({html.escape(wanted["scope"])}) as {html.escape(self.user)}.</p>
<a role="button" id="allow" href="/consent/allow?{query}">Allow</a>
<a role="button" id="deny" href="/consent/deny?{query}">Deny</a></body></html>"""
        return FakeResponse(200, body)

    def _allow(self, request: FakeRequest) -> FakeResponse:
        code = secrets.token_urlsafe(12)
        self.codes[code] = {
            "user": self.user,
            "redirect_uri": request.arg("redirect_uri"),
            "code_challenge": request.arg("code_challenge"),
        }
        return self._back(request, code=code, state=request.arg("state"))

    def _deny(self, request: FakeRequest) -> FakeResponse:
        return self._back(request, error="access_denied", state=request.arg("state"))

    def _back(self, request: FakeRequest, **params: str) -> FakeResponse:
        target = request.arg("redirect_uri")
        joiner = "&" if "?" in target else "?"
        return FakeResponse(302, "", {"Location": f"{target}{joiner}{urlencode(params)}"})

    # -- the token endpoint ----------------------------------------------------------------
    def grant(self, form: dict[str, str], headers: dict[str, str]) -> tuple[str, str, str]:
        """Check a token request; returns (user, access, refresh) or raises GrantError."""
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        if self.client_auth == "basic":
            client_id, client_secret = _basic(headers.get("authorization", ""))
        if (client_id, client_secret) != (self.client_id, self.client_secret):
            raise GrantError("invalid_client")
        kind = form.get("grant_type")
        if kind == "authorization_code":
            found = self.codes.pop(form.get("code", ""), None)
            if found is None or found["redirect_uri"] != form.get("redirect_uri"):
                raise GrantError("invalid_grant")
            if (
                self.uses_pkce
                and _challenge(form.get("code_verifier", "")) != found["code_challenge"]
            ):
                raise GrantError("invalid_grant")
            user = found["user"]
        elif kind == "refresh_token":
            user = self.refresh_tokens.pop(form.get("refresh_token", ""), "")
            if not user or user in self.revoked:
                raise GrantError("invalid_grant")
        else:
            raise GrantError("unsupported_grant_type")
        access, refresh = self.issue(user)
        return user, access, refresh

    def bearer_user(self, request: FakeRequest) -> str | None:
        """The member an access token belongs to, or None when it is unknown or withdrawn."""
        header = request.headers.get("authorization", "")
        if header.startswith("Bearer "):
            token = header[len("Bearer ") :].strip()
        else:  # a token in the query string (Oura's revoke) or the form
            token = request.arg("access_token") or request.form().get("access_token", "")
        user = self.access.get(token)
        return None if user is None or user in self.revoked else user

    def days_between(self, user: str, start: dt.date, end: dt.date) -> list[tuple[dt.date, int]]:
        if user not in self.steps and self.generate is not None:
            days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
            made = [(day, self.generate(user, day)) for day in days]
            return [(day, steps) for day, steps in made if steps is not None]
        return sorted((d, s) for d, s in self.steps.get(user, {}).items() if start <= d <= end)


class GrantError(Exception):
    def __init__(self, error: str):
        super().__init__(error)
        self.error = error


def _basic(header: str) -> tuple[str, str]:
    if not header.startswith("Basic "):
        return "", ""
    try:
        client_id, _, client_secret = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return "", ""
    return client_id, client_secret


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
