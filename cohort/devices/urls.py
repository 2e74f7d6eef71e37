from django.urls import path

from cohort.devices import views

app_name = "devices"

urlpatterns = [
    path("profile/devices/", views.devices_view, name="devices"),
    path("profile/devices/<slug:provider>/connect/", views.device_connect_view, name="connect"),
    path("profile/devices/<slug:provider>/callback/", views.device_callback_view, name="callback"),
    path(
        "profile/devices/<slug:provider>/disconnect/",
        views.device_disconnect_view,
        name="disconnect",
    ),
]
