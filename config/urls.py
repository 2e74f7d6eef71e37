from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("cohort.ops.urls")),
    path("", include("cohort.accounts.urls")),
    path("", include("cohort.notifications.urls")),
    path("", include("cohort.competition.urls")),
    path("", include("cohort.activity.urls")),
    path("", include("cohort.reviews.urls")),
    path("", include("cohort.messaging.urls")),
    path("", include("cohort.analytics.urls")),
    path("", include("cohort.dashboard.urls")),
]
