"""Domain errors raised by services; views and the API turn them into 4xx answers."""

from django.utils.functional import Promise


class DomainError(Exception):
    status_code = 400

    # A text in the active language (gettext) or a lazy one (a module's constant): the
    # API's JSON encoder and the templates turn it into the request's language.
    def __init__(self, detail: str | Promise):
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


class InvalidInput(DomainError):
    status_code = 422


class UnsupportedMediaType(DomainError):
    status_code = 415


class TooLarge(DomainError):
    status_code = 413


class NotAuthenticated(DomainError):
    status_code = 401


class RateLimited(DomainError):
    status_code = 429

    def __init__(self, detail: str | Promise, *, retry_after: int):
        super().__init__(detail)
        self.retry_after = max(1, retry_after)
