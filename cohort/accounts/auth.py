"""API authentication: a personal bearer token, or the session cookie with CSRF."""

from ninja.security import HttpBearer, django_auth

from cohort.accounts.tokens import api_token_user


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


# Ninja tries these in order: a bearer token first, then the session (which checks CSRF).
token_or_session = [TokenAuth(), django_auth]
