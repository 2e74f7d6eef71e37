from django.urls import path

from cohort.messaging import views

app_name = "messaging"

urlpatterns = [
    path("announcements/", views.announcements_view, name="announcements"),
    path("announcements/new/", views.announcement_create_view, name="announcement-create"),
    path(
        "announcements/<int:announcement_id>/publish/",
        views.announcement_publish_view,
        name="announcement-publish",
    ),
    path(
        "announcements/<int:announcement_id>/read/",
        views.announcement_read_view,
        name="announcement-read",
    ),
    path("messages/", views.threads_view, name="threads"),
    path("messages/start/", views.thread_start_view, name="thread-start"),
    path("messages/<int:thread_id>/", views.thread_view, name="thread"),
]
