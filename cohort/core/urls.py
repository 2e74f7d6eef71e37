from django.urls import path

from cohort.core import views

app_name = "core"

urlpatterns = [
    path("privacy/", views.site_text_view, {"key": "privacy"}, name="privacy"),
    path("terms/", views.site_text_view, {"key": "terms"}, name="terms"),
]
