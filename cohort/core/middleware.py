import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
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
