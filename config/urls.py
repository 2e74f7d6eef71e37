from django.contrib import admin
from django.urls import include, path

from config.api import api

# An unavailable database answers 503 (JSON under /api/), wherever it was met.
handler500 = "cohort.core.middleware.server_error"
# Under /api/, a URL that matches no route answers JSON {"detail": ...} like the rest.
handler404 = "config.api.not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # POST /i18n/setlang/ (Django's set_language): the sign-in page's language switcher; it
    # sets a cookie (LocaleMiddleware reads it) and writes no session.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("cohort.ops.urls")),
    path("", include("cohort.core.urls")),
    path("", include("cohort.accounts.urls")),
    path("", include("cohort.notifications.urls")),
    path("", include("cohort.competition.urls")),
    path("", include("cohort.activity.urls")),
    path("", include("cohort.devices.urls")),
    path("", include("cohort.reviews.urls")),
    path("", include("cohort.messaging.urls")),
    path("", include("cohort.analytics.urls")),
    path("", include("cohort.mentoring.urls")),
    path("", include("cohort.dashboard.urls")),
    path("", include("cohort.organise.urls")),
]
