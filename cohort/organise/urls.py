from django.urls import path

from cohort.organise import console_views as console
from cohort.organise import views

app_name = "organise"

urlpatterns = [
    # The console (console_views.py); URL names start with "console" (the navigation's key).
    path("organise/", console.overview_view, name="console"),
    path("organise/jobs/<str:name>/run/", console.job_run_view, name="console-job-run"),
    path("organise/seasons/", console.seasons_view, name="console-seasons"),
    path(
        "organise/seasons/<int:season_id>/dates/",
        console.season_dates_view,
        name="console-season-dates",
    ),
    path(
        "organise/seasons/<int:season_id>/activate/",
        console.season_activate_view,
        name="console-season-activate",
    ),
    path("organise/mentors/", console.mentors_view, name="console-mentors"),
    path("organise/audit/", console.audit_view, name="console-audit"),
    path("organise/audit/export.csv", console.audit_export_view, name="console-audit-export"),
    path("organise/analytics/", console.analytics_view, name="console-analytics"),
    # The path editor (views.py).
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
