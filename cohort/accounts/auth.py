"""API authentication: a personal bearer token, or the session cookie with CSRF.

A token's scope is checked here, for every endpoint at once (the rule is in tokens.py):
routes use `token_or_session`, under which a token may only read; the few writes a token
may make declare their scope with `token_or_session_for(scope)`."""

from django.utils import translation
from ninja.security import HttpBearer, django_auth

from cohort.accounts.models import ApiToken
from cohort.accounts.selectors import (
    DIVISION_NEEDS_OWN_SIGN_IN,
    personal_password_missing_for_division,
)
from cohort.accounts.tokens import api_token_authenticate, api_token_scope_check
from cohort.core.exceptions import PermissionDenied


class TokenAuth(HttpBearer):
    def __init__(self, *, write_scope: str | None = None):
        super().__init__()
        self.write_scope = write_scope

    def authenticate(self, request, token):
        found = api_token_authenticate(token)  # an expired token raises: 401 with a detail
        if found is None:
            return None
        user, scope = found
        if personal_password_missing_for_division(user):
            raise PermissionDenied(DIVISION_NEEDS_OWN_SIGN_IN)
        # Raised, not None: a token that is not allowed must not fall back to the session.
        api_token_scope_check(scope=scope, method=request.method, write_scope=self.write_scope)
        request.user = user
        if user.language:  # the member's language over Accept-Language, as for sessions
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return user


def token_or_session_for(write_scope: str) -> list:
    """Auth for a write that tokens holding `write_scope` may make."""
    return [TokenAuth(write_scope=write_scope), django_auth]


# Ninja tries these in order: a bearer token first, then the session (which checks CSRF).
token_or_session = [TokenAuth(), django_auth]
activity_write = token_or_session_for(ApiToken.Scope.ACTIVITY_WRITE)
