from django.urls import path

from cohort.activity import views

app_name = "activity"

urlpatterns = [
    path("activity/", views.activity_view, name="log"),
    path("activity/leetcode/verify/", views.leetcode_verify_view, name="leetcode-verify"),
]
