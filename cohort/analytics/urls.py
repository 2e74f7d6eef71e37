from django.urls import path

from cohort.analytics import views

app_name = "analytics"

urlpatterns = [
    path("analytics/", views.analytics_home, name="home"),
    path("analytics/recompute/", views.analytics_recompute_view, name="recompute"),
    path("analytics/export/<slug:kind>.csv", views.analytics_export, name="export"),
]
