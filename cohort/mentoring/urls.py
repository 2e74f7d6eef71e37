from django.urls import path

from cohort.mentoring import views

app_name = "mentoring"

urlpatterns = [
    path("mentor/", views.mentor_home, name="mentor"),
    path("mentor/reviews/", views.mentor_review_bulk, name="mentor-review-bulk"),
    path("mentor/reviews/<int:submission_id>/", views.mentor_review, name="mentor-review"),
    path("mentor/flags/<int:activity_id>/", views.mentor_flag_review, name="mentor-flag"),
    path("mentor/students/", views.mentor_students, name="mentor-students"),
    path("mentor/groups/", views.mentor_groups, name="mentor-groups"),
    path("mentor/report/", views.mentor_report_view, name="mentor-report"),
    path("report/", views.member_report_view, name="report"),
]
