"""The JSON API: one NinjaAPI, each app's Router, and one handler for domain errors."""

from ninja import NinjaAPI

from cohort.accounts.api import auth_router, groups_router, tokens_router
from cohort.activity.api import router as activity_router
from cohort.competition.api.boards import router as boards_router
from cohort.competition.api.rewards import router as rewards_router
from cohort.core.exceptions import DomainError, RateLimited
from cohort.dashboard.api import router as dashboard_router
from cohort.dashboard.mentor_api import router as mentor_router
from cohort.journeys.api import router as journeys_router
from cohort.messaging.api import router as messaging_router
from cohort.notifications.api import router as notifications_router
from cohort.reviews.api import router as reviews_router

api = NinjaAPI(
    title="Cohort API",
    version="1",
    description=(
        "Browser clients use the session cookie with CSRF; scripts use a personal token "
        "(`Authorization: Bearer coh_...`, made on /profile/). Errors are JSON "
        '`{"detail": ...}` with the matching status.'
    ),
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    response = api.create_response(request, {"detail": exc.detail}, status=exc.status_code)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


api.add_router("/auth", auth_router)
api.add_router("/groups", groups_router)
api.add_router("/tokens", tokens_router)
api.add_router("", activity_router)
api.add_router("", journeys_router)
api.add_router("", dashboard_router)
api.add_router("", notifications_router)
api.add_router("", boards_router)
api.add_router("", rewards_router)
api.add_router("", reviews_router)
api.add_router("", messaging_router)
api.add_router("", mentor_router)
