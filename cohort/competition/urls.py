from django.urls import path

from cohort.competition import views

app_name = "competition"

urlpatterns = [path("leaderboards/", views.leaderboards_view, name="leaderboards")]
