"""The Django floor: one view answering "ok" through Django with no middleware, no database
and no templates, served by the same gunicorn as Cohort. What any Django app on this machine
could serve at best; Cohort's `/health/live/` (through its 15 middleware) is measured against
it. Run by bench/load/suite.py as `gunicorn _floor:application` (bench/load on the path)."""

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-floor-not-secret",  # noqa: S106 (no sessions, nothing signed)
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_TZ=True,
)

from django.core.wsgi import get_wsgi_application  # noqa: E402 (after configure)
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def live(request):
    return HttpResponse(b'{"status": "ok"}', content_type="application/json")


urlpatterns = [path("", live)]
application = get_wsgi_application()
