from django.urls import path

from cohort.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notifications_view, name="list"),
    path(
        "notifications/<int:notification_id>/open/",
        views.notification_open_view,
        name="open",
    ),
    path("notifications/read/", views.mark_read_view, name="read"),
    path("notifications/preferences/", views.preferences_view, name="preferences"),
    path(
        "notifications/preferences/push/",
        views.push_preferences_view,
        name="push-preferences",
    ),
    path("notifications/badge/", views.badge_view, name="badge"),
]
