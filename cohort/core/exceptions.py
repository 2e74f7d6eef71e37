"""Domain errors raised by services; views and the API turn them into 4xx answers."""


class DomainError(Exception):
    status_code = 400

    def __init__(self, detail: str):
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

    def __init__(self, detail: str, *, retry_after: int):
        super().__init__(detail)
        self.retry_after = max(1, retry_after)
