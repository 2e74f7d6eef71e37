import logging
import time
import uuid

from django.db import connection
from django.utils.functional import empty

from cohort.ops import metrics

logger = logging.getLogger("cohort.request")

_REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_META = "HTTP_X_REQUEST_ID"


class RequestLogMiddleware:
    """One JSON log line per request: method, route, status, duration, user id, request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        # From META: request.headers would copy every header into a new mapping first.
        incoming = request.META.get(_REQUEST_ID_META, "")
        request.request_id = (
            incoming[:64] if incoming.isprintable() and incoming else uuid.uuid4().hex
        )
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        match = getattr(request, "resolver_match", None)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "route": match.route if match else request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": _user_id(request),
                "request_id": request.request_id,
            },
        )
        response[_REQUEST_ID_HEADER] = request.request_id
        return response


class MetricsMiddleware:
    """Prometheus metrics per request: latency, status, query count and query time (one
    execute_wrapper around the request: a counter and a clock per query), and the slow-query
    log when LOG_QUERY_TIMES is on. First in MIDDLEWARE, so it times everything."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        timer = metrics.QueryTimer(request)
        with connection.execute_wrapper(timer):
            response = self.get_response(request)
        metrics.request_observe(
            route=metrics.route_of(request),
            method=request.method if request.method in _METHODS else "other",
            status=response.status_code,
            seconds=time.perf_counter() - started,
            timer=timer,
        )
        metrics.pool_observe()
        return response


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _user_id(request) -> int | None:
    """The signed-in user's id, without loading a user that nothing else asked for."""
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is None or wrapped is empty:
        return None
    return getattr(wrapped, "pk", None)
