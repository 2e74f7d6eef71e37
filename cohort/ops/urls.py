from django.urls import path

from cohort.ops import views

app_name = "ops"

urlpatterns = [
    path("health/", views.health_summary, name="health"),
    path("health/live/", views.health_live, name="health-live"),
    path("health/ready/", views.health_ready, name="health-ready"),
    path("metrics", views.metrics, name="metrics"),
]
