import secrets

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cohort.core.caching import cache_hit_rates
from cohort.core.middleware import DATABASE_UNAVAILABLE
from cohort.ops.health import feature_flags, readiness, run_checks
from cohort.ops.metrics import CONTENT_TYPE, metrics_render
from cohort.ops.models import JobRun

WATCHED_JOBS = ["update_progress"]


def _last_runs() -> dict:
    """Each watched job's last run: when, how it ended, and its age in seconds."""
    runs = {}
    for name in WATCHED_JOBS:
        run = JobRun.objects.filter(name=name).only("started_at", "outcome").first()
        runs[name] = (
            {
                "started_at": run.started_at.isoformat(),
                "outcome": run.outcome,
                "age_seconds": int((timezone.now() - run.started_at).total_seconds()),
            }
            if run
            else None
        )
    return runs


@never_cache
@require_GET
def health_live(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def health_ready(request):
    """For load balancers: 200 "ok" or "degraded" (still serving: send traffic), 503
    "unavailable" naming what failed (see health.readiness)."""
    status, code, failed = readiness(run_checks())
    if status == "degraded":
        return JsonResponse({"status": status, "degraded": failed})
    if failed:
        return JsonResponse({"status": status, "failed": failed}, status=code)
    return JsonResponse({"status": status})


@never_cache
@require_GET
def health_summary(request):
    """The overall status for anyone ("ok", "degraded" or 503 "unavailable", by the same rule
    as readiness); each check, the job runs, the profile, cache hit rates and flags only for
    operators (see _operator)."""
    results = run_checks()
    status, code, _failed = readiness(results)
    body = {"status": status}
    if _operator(request):
        body |= _health_details(results)
    return JsonResponse(body, status=code)


def _health_details(results: dict) -> dict:
    return {
        "checks": results,
        "jobs": _last_runs() if results["database"]["ok"] else {},
        "profile": {
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "cache": "redis" if settings.REDIS_URL else "local-memory",
            "jobs": "celery" if settings.CELERY_BROKER_URL else "in-process",
        },
        "cache_hit_rates": cache_hit_rates(),  # this process's, since it started
        "flags": feature_flags(),
    }


def _operator(request) -> bool:
    """Who may see /metrics and /health/'s details: a scraper with `Authorization: Bearer
    <METRICS_TOKEN>`, or a signed-in organiser (past the code step: the two-factor
    middleware keeps others out). The token is checked first, so a scrape never loads a
    session; a session the database cannot load means no details, never an error."""
    header = request.headers.get("Authorization", "")
    token = settings.METRICS_TOKEN
    if token and header.startswith("Bearer "):
        return secrets.compare_digest(header.removeprefix("Bearer ").encode(), token.encode())
    try:
        return request.user.is_authenticated and request.user.is_staff
    except DATABASE_UNAVAILABLE:
        return False


@never_cache
@require_GET
def metrics(request):
    """Prometheus text format. Anyone else gets 404: the endpoint does not admit it exists."""
    if not _operator(request):
        raise Http404
    return HttpResponse(metrics_render(), content_type=CONTENT_TYPE)
