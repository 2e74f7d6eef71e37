from django.conf import settings
from django.http import HttpRequest, HttpResponse

from cohort.core.exceptions import DomainError, RateLimited


def client_ip(request: HttpRequest) -> str:
    """The caller's address, trusting exactly TRUSTED_PROXY_COUNT proxies' X-Forwarded-For."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def form_error_add(form, field: str | None, error: DomainError) -> DomainError:
    """Show a service's refusal on the form (which keeps what was typed); returns it."""
    form.add_error(field, error.detail)
    return error


def error_response(response: HttpResponse, error: DomainError | None) -> HttpResponse:
    """The page answered with the refusal's status, and Retry-After for a rate limit."""
    if error is not None:
        response.status_code = error.status_code
        if isinstance(error, RateLimited):
            response["Retry-After"] = str(error.retry_after)
    return response
