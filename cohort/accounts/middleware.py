import time

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, logout

from cohort.accounts.services.signin import SESSION_AUTH_AT, SESSION_ENDED, SESSION_SEEN_AT

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
