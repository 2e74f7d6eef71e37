from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.http import is_same_domain
from django.utils.translation import gettext as _

from cohort.core.exceptions import DomainError, PermissionDenied, RateLimited, UnsupportedMediaType


def client_ip(request: HttpRequest) -> str:
    """The caller's address, trusting exactly TRUSTED_PROXY_COUNT proxies' X-Forwarded-For."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _trusted_origin(request: HttpRequest, origin: str) -> bool:
    """Our own scheme and host, or one of CSRF_TRUSTED_ORIGINS (with Django's `*.` form)."""
    own = f"{'https' if request.is_secure() else 'http'}://{request.get_host()}"
    if origin == own or origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    parts = urlsplit(origin)
    return any(
        "*" in trusted
        and urlsplit(trusted).scheme == parts.scheme
        and is_same_domain(parts.netloc, urlsplit(trusted).netloc)
        for trusted in settings.CSRF_TRUSTED_ORIGINS
    )


def same_origin_json_required(request: HttpRequest) -> None:
    """For API calls that start a session (sign-in CSRF): the body must be JSON, which a
    browser sends cross-origin only after a CORS preflight that we never grant, and an
    Origin or Referer, when a browser sends one, must be ours. A script sends neither
    header and is no CSRF vector, so JSON alone lets it through.
    Raises UnsupportedMediaType (415) or PermissionDenied (403)."""
    if request.content_type != "application/json":
        raise UnsupportedMediaType(_("Send the sign-in as JSON (Content-Type: application/json)."))
    origin = request.headers.get("Origin")
    if origin is None and "Referer" in request.headers:
        referer = urlsplit(request.headers["Referer"])
        origin = f"{referer.scheme}://{referer.netloc}" if referer.netloc else "null"
    if origin is not None and not _trusted_origin(request, origin):
        raise PermissionDenied(_("Sign-in from another site is refused; use this site's pages."))


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
