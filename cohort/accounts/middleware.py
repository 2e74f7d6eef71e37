import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cohort.accounts.selectors import (
    DIVISION_NEEDS_OWN_SIGN_IN,
    personal_password_missing_for_division,
)
from cohort.accounts.services.signin import SESSION_AUTH_AT, SESSION_ENDED, SESSION_SEEN_AT
from cohort.accounts.services.terms import terms_pending
from cohort.accounts.services.two_factor import two_factor_is_verified, two_factor_required

# Refresh "last seen" at most this often, so an active session is not rewritten per request.
_SEEN_RESOLUTION_SECONDS = 60


class SessionTimeoutMiddleware:
    """End sessions idle longer than SESSION_IDLE_TIMEOUT or older than SESSION_ABSOLUTE_TIMEOUT."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        # No cookie, no session load: anonymous requests read and write nothing here.
        if session.session_key and session.get(BACKEND_SESSION_KEY):
            now = int(time.time())
            # Sign-ins that bypass signin_complete (the admin's own view) start the clock here.
            auth_at = session.setdefault(SESSION_AUTH_AT, now)
            seen_at = session.setdefault(SESSION_SEEN_AT, now)
            if (
                now - auth_at > settings.SESSION_ABSOLUTE_TIMEOUT
                or now - seen_at > settings.SESSION_IDLE_TIMEOUT
            ):
                logout(request)
                # Survives the redirect to /login/, which then says why.
                request.session[SESSION_ENDED] = True
            elif now - seen_at >= _SEEN_RESOLUTION_SECONDS:
                session[SESSION_SEEN_AT] = now
        return self.get_response(request)


class ProfileLanguageMiddleware:
    """A signed-in member's profile language, over the one LocaleMiddleware took from the
    switcher's cookie or Accept-Language. Anonymous requests load no session here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key and session.get(BACKEND_SESSION_KEY):
            language = getattr(request.user, "language", "")
            if language and language != request.LANGUAGE_CODE:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


class OrganiserTwoFactorMiddleware:
    """Keep an organiser's session that has not passed the TOTP step out of everything but
    the code pages: pages redirect to /2fa/ (which enrols a first device), the API answers
    403 {"detail": ...}. Bearer-token API calls carry no session and pass through."""

    # The probes only: /health/ itself shows organisers details, so it waits for the code.
    _OPEN_PREFIXES = (
        "/2fa/",
        "/logout/",
        "/login/",
        "/static/",
        "/api/v1/auth/",
        "/health/live/",
        "/health/ready/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if (
            settings.ORGANISER_2FA_REQUIRED
            and not path.startswith(self._OPEN_PREFIXES)
            and request.session.get(BACKEND_SESSION_KEY)
            and two_factor_required(request.user)
            and not two_factor_is_verified(request)
        ):
            if path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Two-factor verification required: enter your code at /2fa/.")},
                    status=403,
                )
            target = reverse("accounts:two-factor")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)


class PersonalPasswordMiddleware:
    """Keep a member of a division that requires a personal password, signed in with the
    group password, out of everything but the page that sets one: pages redirect there, the
    API answers 403 {"detail": ...}. Bearer tokens are refused in TokenAuth."""

    _OPEN_PREFIXES = ("/profile/password/", "/logout/", "/login/", "/static/", "/health/")
    _OPEN_API = ("/api/v1/auth/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if (
            not path.startswith(self._OPEN_PREFIXES + self._OPEN_API)
            and request.session.get(BACKEND_SESSION_KEY)
            and personal_password_missing_for_division(request.user)
        ):
            if path.startswith("/api/"):
                return JsonResponse({"detail": DIVISION_NEEDS_OWN_SIGN_IN}, status=403)
            target = reverse("accounts:personal-password")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)


class TermsGateMiddleware:
    """Send a signed-in person who has not accepted the current terms to /terms/accept/
    before any other page (services/terms.py). The API, the terms and privacy pages,
    signing out, the two-factor step, the admin's static files and health checks are open;
    anonymous requests read nothing (no session is loaded)."""

    _OPEN_PREFIXES = (
        "/terms/",
        "/privacy/",
        "/logout/",
        "/login/",
        "/2fa/",
        "/static/",
        "/health/",
        "/metrics",
        "/api/",
        "/setup/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if (
            not path.startswith(self._OPEN_PREFIXES)
            and request.session.get(BACKEND_SESSION_KEY)
            and terms_pending(request.user)
        ):
            target = reverse("accounts:terms-accept")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)
