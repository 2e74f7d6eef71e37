"""The JSON API: one NinjaAPI, each app's Router, and one handler for domain errors."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.views import defaults
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.parser import Parser

from cohort.accounts.api import auth_router, groups_router, imports_router, tokens_router
from cohort.activity.api import router as activity_router
from cohort.competition.api.rewards import router as rewards_router
from cohort.competition.leaderboards.api import router as boards_router
from cohort.core.exceptions import DomainError, RateLimited
from cohort.core.middleware import has_nul, unavailable_response
from cohort.dashboard.api import router as dashboard_router
from cohort.devices.api import router as devices_router
from cohort.devices.api_apple import router as apple_health_router
from cohort.journeys.api import router as journeys_router
from cohort.mentoring.api import router as mentor_router
from cohort.messaging.api import router as messaging_router
from cohort.notifications.api import router as notifications_router
from cohort.organise.api import router as organise_router
from cohort.reviews.api import router as reviews_router

logger = logging.getLogger(__name__)

# The errors an operation may answer, each `{"detail": ...}` (a list of problems for 422 from
# input validation, else a sentence), declared in the OpenAPI document so that it is the
# whole contract: clients (and the fuzzer in system/fuzz/) hold us to it.
ERROR_STATUSES = {
    400: "Malformed request: a NUL character in it, or a body that cannot be read",
    401: "Not signed in, or a wrong email/password pair",
    403: "Not allowed for this role",
    404: "Not found (including another group's objects)",
    409: "Conflict with the current state",
    413: "A file, the number of files or the request body is too large",
    415: "The body is not in the required media type (sign-in: application/json)",
    422: "Invalid input",
    429: "Too many requests (see Retry-After)",
    503: "The database is briefly unavailable (see Retry-After)",
}
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}],
            "description": "what went wrong; for input validation, one object per problem",
        }
    },
    "required": ["detail"],
}


def _errors_of(url: str, method: str, operation: dict) -> list[int]:
    """Every operation can reject its input (400 malformed, 422 invalid); signed-in ones also
    401/403/404, public ones naming something in their path 404 (and a provider's webhook a
    401 for a signature that does not verify); writes also conflict, those with a body can
    be too large; any write or sign-in can be rate-limited."""
    statuses = [400, 422, 503]
    if operation.get("security"):
        statuses += [401, 403, 404]
    elif "{" in url:
        statuses += [401, 404] if url.endswith("/webhook") else [404]
    if operation.get("operationId", "").endswith("_login"):
        # 403 and 415: sign-in CSRF (another site's Origin/Referer, a body that is not JSON)
        statuses += [401, 403, 415, 429]
    if method != "get":
        statuses += [409, 429]
        body = operation.get("requestBody", {}).get("content", {})
        if body:
            statuses.append(413)  # a file, too many files, a body past Django's limit
    return sorted(set(statuses))


class CohortAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        }
        for url, path in schema["paths"].items():
            for method, operation in path.items():
                for status in _errors_of(url, method, operation):
                    operation["responses"].setdefault(
                        status, {"description": ERROR_STATUSES[status], **error}
                    )
        return schema


class InputParser(Parser):
    """Ninja's parser, refusing NUL characters in a JSON body (PostgreSQL text cannot hold
    them): 400 before any handler runs. The path, query string and form bodies are checked
    for every request, pages and API alike, by cohort.core.middleware.NulCharacterMiddleware;
    only this parser reads JSON, where a NUL hides behind a \\u0000 escape."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if has_nul(data):
            raise ValueError("a NUL character")  # Ninja answers 400 "Cannot parse request body"
        return data


api = CohortAPI(
    title="Cohort API",
    version="1",
    description=(
        "Browser clients use the session cookie with CSRF; scripts use a personal token "
        "(`Authorization: Bearer coh_...`, made on /profile/). Errors are JSON "
        '`{"detail": ...}` with the matching status.'
    ),
    urls_namespace="api",
    parser=InputParser(),
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    response = api.create_response(request, {"detail": exc.detail}, status=exc.status_code)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def not_signed_in(request, exc):
    """Ninja's 401, its `detail` in the request's language ("Unauthorized" in English)."""
    return api.create_response(request, {"detail": _("Unauthorized")}, status=401)


@api.exception_handler(Http404)
def no_such_object(request, exc):
    """Ninja's 404 for Django's Http404, its `detail` in the request's language."""
    return api.create_response(request, {"detail": _("Not Found")}, status=404)


@api.exception_handler(RawPostDataException)
def form_body_for_json(request, exc):
    """A large form body sent to an operation that reads JSON: NulCharacterMiddleware has
    streamed the form (a small one it keeps whole, and Ninja answers 400 as for any body that
    is not JSON), so the raw body is gone. 400 as well, never a 500."""
    return api.create_response(
        request,
        {"detail": _("Cannot parse request body: this operation takes JSON.")},
        status=400,
    )


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request, exc):
    """The database is down or restarting: 503 {"detail"}, never a 500 traceback."""
    return unavailable_response(request)


@api.exception_handler(DataError)
def data_error(request, exc):
    """A value the database cannot store (out of a column's range): 422, and logged, since
    input validation should have stopped it first."""
    logger.warning("API input the database refused: %s", exc)
    return api.create_response(
        request, {"detail": _("A value is out of range or cannot be stored.")}, status=422
    )


@api.exception_handler(TooManyFilesSent)
@api.exception_handler(RequestDataTooBig)
@api.exception_handler(TooManyFieldsSent)
def request_too_large(request, exc):
    """Django's own limits on what it will parse (DATA_UPLOAD_MAX_NUMBER_FILES, _MEMORY_SIZE,
    _NUMBER_FIELDS), met when Ninja reads the body: JSON with 413 (400 for too many fields),
    not Django's HTML 400 page."""
    if isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        detail = _("Too many files in one request: send at most %(limit)s.") % {"limit": limit}
        status = 413
    elif isinstance(exc, RequestDataTooBig):
        detail, status = _("The request body is too large."), 413
    else:
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        detail = _("Too many fields in one request: send at most %(limit)s.") % {"limit": limit}
        status = 400
    return api.create_response(request, {"detail": detail}, status=status)


def not_found(request, exception):
    """handler404: JSON under /api/ (an id that is not a number matches no route, so Django
    answers before Ninja), the app's own templates/404.html elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not Found")}, status=404)
    return defaults.page_not_found(request, exception)


api.add_router("/auth", auth_router)
api.add_router("/groups", groups_router)
api.add_router("/imports", imports_router)
api.add_router("/tokens", tokens_router)
api.add_router("", activity_router)
api.add_router("", devices_router)
api.add_router("", apple_health_router)
api.add_router("", journeys_router)
api.add_router("", dashboard_router)
api.add_router("", notifications_router)
api.add_router("", boards_router)
api.add_router("", rewards_router)
api.add_router("", reviews_router)
api.add_router("", messaging_router)
api.add_router("", mentor_router)
api.add_router("", organise_router)
