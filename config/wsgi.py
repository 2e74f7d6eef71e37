import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# The embedded default (no broker, so no beat) runs the beat schedule in this server process.
from cohort.ops.schedule import schedule_start_in_process  # noqa: E402 - after Django is set up

schedule_start_in_process()
