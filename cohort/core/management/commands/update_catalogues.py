"""`manage.py update_catalogues` (`make messages`): gather every translatable string of the
code and templates into locale/<lang>/LC_MESSAGES/django.po for each language but English
(new ones empty, for a translator to fill), then compile the .mo files the app reads. The
.po and .mo files are committed; cohort/core/tests/test_translations.py fails while a
Spanish string is missing or a .mo is older than its .po."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Where makemessages looks: everything but tests, tools and other people's files.
MAKEMESSAGES_OPTIONS = {
    "no_obsolete": True,
    "add_location": "file",
    "ignore_patterns": [
        "bench/*",
        "system/*",
        "e2e/*",
        "var/*",
        "docs/*",
        "deploy/*",
        "static/*",
        "locale/*",
        "*/tests/*",
        "node_modules/*",
    ],
}


def catalogue_languages() -> list[str]:
    """The languages that have a catalogue: all of settings.LANGUAGES but the source one."""
    return [code for code, _name in settings.LANGUAGES if code != "en"]


class Command(BaseCommand):
    help = "Update the translation catalogues (locale/*/django.po) and compile them (.mo)."

    def handle(self, *args, **options):
        languages = catalogue_languages()
        call_command("makemessages", locale=languages, verbosity=0, **MAKEMESSAGES_OPTIONS)
        call_command("compilemessages", locale=languages, verbosity=0, ignore_patterns=[".*"])
        self.stdout.write(f"Catalogues updated and compiled: {', '.join(languages)}.")
