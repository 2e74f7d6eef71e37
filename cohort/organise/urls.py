from django.urls import path

from cohort.organise import console_views as console
from cohort.organise import people_views, texts_views, views

app_name = "organise"

urlpatterns = [
    path("organise/devices/", views.devices_overview_view, name="devices"),
    path("organise/texts/<str:key>/", texts_views.text_edit_view, name="text-edit"),
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

urlpatterns += [
    path("organise/people/", people_views.people_view, name="people"),
    path("organise/people/import/", people_views.people_import_view, name="people-import"),
    path(
        "organise/people/import/apply/",
        people_views.people_import_apply_view,
        name="people-import-apply",
    ),
    path("organise/people/groups/", people_views.groups_create_view, name="people-groups-create"),
    path(
        "organise/people/groups/<int:group_id>/",
        people_views.people_group_view,
        name="people-group",
    ),
    path(
        "organise/people/groups/<int:group_id>/sheet/",
        people_views.sign_in_sheet_view,
        name="people-sheet",
    ),
    path(
        "organise/people/members/<int:user_id>/move/",
        people_views.member_move_view,
        name="people-member-move",
    ),
    path(
        "organise/people/members/<int:user_id>/remove/",
        people_views.member_remove_view,
        name="people-member-remove",
    ),
    path(
        "organise/people/members/<int:user_id>/restore/",
        people_views.member_restore_view,
        name="people-member-restore",
    ),
]
