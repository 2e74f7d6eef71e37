from django.urls import path

from cohort.organise import views

app_name = "organise"

urlpatterns = [
    path("organise/devices/", views.devices_overview_view, name="devices"),
    path("organise/paths/", views.paths_view, name="paths"),
    path("organise/paths/new/route/", views.path_new_from_file_view, name="path-new-route"),
    path("organise/paths/new/image/", views.path_new_from_image_view, name="path-new-image"),
    path("organise/paths/<int:path_id>/", views.path_edit_view, name="path-edit"),
    path("organise/paths/<int:path_id>/current/", views.path_current_view, name="path-current"),
    path(
        "organise/paths/<int:path_id>/milestones/",
        views.milestone_add_view,
        name="milestone-add",
    ),
    path(
        "organise/paths/<int:path_id>/milestones/<int:milestone_id>/",
        views.milestone_edit_view,
        name="milestone-edit",
    ),
    path(
        "organise/paths/<int:path_id>/milestones/<int:milestone_id>/move/",
        views.milestone_move_view,
        name="milestone-move",
    ),
]
