from django.urls import path

from cohort.dashboard import export_views, views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("map/", views.map_view, name="map"),
    path("milestones/<int:milestone_id>/", views.milestone_view, name="milestone"),
    path(
        "milestones/<int:milestone_id>/photo/", views.milestone_photo_view, name="milestone-photo"
    ),
    path("map/paths/<int:path_id>/image/", views.path_image_view, name="path-image"),
    path("season/", views.season_view, name="season"),
    path("profile/export/", export_views.export_view, name="export"),
    path("manifest.webmanifest", views.manifest_view, name="manifest"),
    path("sw.js", views.service_worker_view, name="service-worker"),
    path("offline/", views.offline_view, name="offline"),
]
