from django.urls import path

from cohort.competition.views import boards, rewards, seasons

app_name = "competition"

urlpatterns = [path("leaderboards/", boards.leaderboards_view, name="leaderboards")]
urlpatterns += seasons.urlpatterns + rewards.urlpatterns
