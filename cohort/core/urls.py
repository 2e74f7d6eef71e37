from django.urls import re_path

from cohort.core import views

app_name = "core"

urlpatterns = [
    re_path(r"^(?P<key>privacy|terms)/$", views.site_text_view, name="site-text"),
]
