from django.urls import path

from cohort.reviews import views

app_name = "reviews"

urlpatterns = [
    path("submissions/", views.submissions_view, name="submissions"),
    path(
        "submissions/<int:submission_id>/withdraw/",
        views.submission_withdraw_view,
        name="submission-withdraw",
    ),
    path("submissions/files/<int:file_id>/", views.submission_file_view, name="file-download"),
]
