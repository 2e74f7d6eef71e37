import functools
import logging
import sys

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFilesSent,
)
from django.core.signals import setting_changed
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import UnreadablePostError
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views import defaults

from cohort.core.exceptions import DomainError
from cohort.core.http import error_response

logger = logging.getLogger(__name__)

# The database is down, restarting or out of connections: a transient failure, not a bug.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
UNAVAILABLE_DETAIL = "The service is briefly unavailable. Please try again in a moment."
RETRY_AFTER_SECONDS = 5

# No template: base.html's context processors would ask the database that just failed.
_UNAVAILABLE_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>503 Service Unavailable</title>"
    f"<h1>Service unavailable</h1><p>{UNAVAILABLE_DETAIL}</p></html>"
)


def unavailable_response(request) -> HttpResponse:
    """503 for a request the database could not serve: JSON for the API, a plain page else."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": UNAVAILABLE_DETAIL}, status=503)
    else:
        response = HttpResponse(_UNAVAILABLE_PAGE, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500: an unavailable database (even one met in a middleware, before any view)
    answers 503; anything else is Django's plain 500 page."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return unavailable_response(request)
    return defaults.server_error(request)


class DomainErrorMiddleware:
    """Pages: a domain error a view did not handle becomes an error page with its status;
    an unavailable database a 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            context = {"status": exception.status_code, "detail": exception.detail}
            response = render(request, "error.html", context, status=exception.status_code)
            return error_response(response, exception)
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.warning("database unavailable: %s", exception)
            return unavailable_response(request)
        return None


NUL_DETAIL = gettext_lazy(
    "The request holds a NUL character (an invisible control character) in its address or "
    "a form field; it cannot be stored. Remove it and send the request again."
)
UNREADABLE_DETAIL = gettext_lazy("The request's form body could not be read.")
TOO_LARGE_DETAIL = gettext_lazy(
    "The request is too large: too many files, or a body past the size this site accepts."
)


def _page(title: str, detail: str) -> str:
    # No template: the guard runs before the session and the user are known.
    return (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><h1>{title}</h1><p>{detail}</p>"
        '<p><a href="/">Back to the dashboard</a></p></html>'
    )


def bad_request_response(request, detail: str, status: int = 400) -> HttpResponse:
    """400 (or 413) for a malformed request: JSON {"detail"} under /api/, a short plain page
    else."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    title = "413 Request Too Large" if status == 413 else "400 Bad Request"
    return HttpResponse(_page(title, detail), status=status)


def has_nul(value) -> bool:
    """Whether a parsed input (text, a dict or list of them, an uploaded file's name) holds a
    NUL character anywhere, keys included."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    name = getattr(value, "name", None)  # an uploaded file's
    return isinstance(name, str) and "\x00" in name


class NulCharacterMiddleware:
    """The one guard for NUL characters in a request's path, query string and form body
    (pages, the admin and the API alike): PostgreSQL text cannot hold them, so they are a
    malformed request (400) before any view, form or admin filter turns them into a query.
    JSON bodies are checked by the API's parser (config/api.py), the only one to read them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            refused = self._holds_nul(request)
        except (TooManyFilesSent, RequestDataTooBig):
            return bad_request_response(request, TOO_LARGE_DETAIL, status=413)
        except (BadRequest, SuspiciousOperation, MultiPartParserError, UnreadablePostError):
            # Too many fields, a broken multipart body, a client gone: no view could read it.
            return bad_request_response(request, UNREADABLE_DETAIL)
        if refused:
            return bad_request_response(request, NUL_DETAIL)
        return self.get_response(request)

    @staticmethod
    def _holds_nul(request) -> bool:
        if "\x00" in request.path_info or has_nul(list(request.GET.lists())):
            return True
        if request.method != "POST":
            return False  # Django parses form bodies of POSTs only; the API's PUTs are JSON
        # Reading the form here parses it once for the whole request (the CSRF check reads it
        # anyway); bodies of other types are not read. A multipart body small enough to keep
        # in memory is read whole first, so a view that reads request.body (a JSON endpoint
        # sent a form) still can; a larger one (files) is streamed and only parsed.
        if request.content_type == "multipart/form-data":
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            length = request.META.get("CONTENT_LENGTH") or "0"
            if limit is None or (length.isdigit() and int(length) <= limit):
                request.body  # noqa: B018 (caches the raw body before the form is parsed)
        return has_nul(list(request.POST.lists())) or has_nul(list(request.FILES.lists()))


_CSP_CUSTOMISED = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


@functools.cache
def _csp_default_headers() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(header, policy, exempting attribute, excluded path prefixes) for the policies of
    settings, built once: they depend on settings alone (cleared when a test changes them)."""
    headers = []
    for header, setting, exempt, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro", True),
    ):
        policy = build_policy(report_only=report_only)
        prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
        if policy:
            headers.append((header, policy, exempt, tuple(prefixes)))
    return tuple(headers)


@receiver(setting_changed)
def _csp_settings_changed(*, setting, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _csp_default_headers.cache_clear()


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """django-csp's middleware, with the policy of a response that used no nonce and no
    per-view decorator built once instead of per response (its build was the dearest step of
    a /health/live/ answer). Responses with a nonce or a decorator take django-csp's path."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _CSP_CUSTOMISED
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (500, 404):
            return response
        for header, policy, exempt, prefixes in _csp_default_headers():
            if (
                header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(prefixes)
            ):
                response[header] = policy
        request.csp_nonce = csp_middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response
