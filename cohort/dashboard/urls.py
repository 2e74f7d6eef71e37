from django.urls import path

from cohort.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("map/", views.map_view, name="map"),
    path("season/", views.season_view, name="season"),
]
