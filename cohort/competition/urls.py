from django.urls import path

from cohort.competition.views import boards, rewards

app_name = "competition"

urlpatterns = [path("leaderboards/", boards.leaderboards_view, name="leaderboards")]
urlpatterns += rewards.urlpatterns
