from django.urls import path

from cohort.competition.leaderboards import views as boards
from cohort.competition.views import rewards

app_name = "competition"

urlpatterns = [path("leaderboards/", boards.leaderboards_view, name="leaderboards")]
urlpatterns += rewards.urlpatterns
