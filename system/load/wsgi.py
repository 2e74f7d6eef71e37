"""The WSGI application the load test's gunicorn serves: config.wsgi with the root
conftest's test-only tweaks (the fast hasher the factories' passwords use, static files
from the app folders since tests never run collectstatic), and nothing else."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings  # noqa: E402 - the environment first

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
settings.WHITENOISE_USE_FINDERS = True
settings.WHITENOISE_AUTOREFRESH = True

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
