from django.urls import path

from cohort.dashboard import mentor_views, views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("map/", views.map_view, name="map"),
    path("milestones/<int:milestone_id>/", views.milestone_view, name="milestone"),
    path(
        "milestones/<int:milestone_id>/photo/", views.milestone_photo_view, name="milestone-photo"
    ),
    path("season/", views.season_view, name="season"),
    path("mentor/", mentor_views.mentor_home, name="mentor"),
    path("mentor/reviews/", mentor_views.mentor_review_bulk, name="mentor-review-bulk"),
    path("mentor/reviews/<int:submission_id>/", mentor_views.mentor_review, name="mentor-review"),
    path("mentor/flags/<int:activity_id>/", mentor_views.mentor_flag_review, name="mentor-flag"),
    path("mentor/students/", mentor_views.mentor_students, name="mentor-students"),
    path("mentor/groups/", mentor_views.mentor_groups, name="mentor-groups"),
    path("mentor/report/", mentor_views.mentor_report_view, name="mentor-report"),
    path("report/", mentor_views.member_report_view, name="report"),
]
