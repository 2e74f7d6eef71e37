"""CI fails on a Spanish string missing from the catalogue: the strings are gathered afresh
(makemessages, into a copy of the code) and every one must have a Spanish translation that
is not fuzzy; and each committed .mo must say what its .po says (no stale compile)."""

import os
import shutil
import subprocess  # noqa: S404
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from cohort.core.management.commands.update_catalogues import (
    MAKEMESSAGES_OPTIONS,
    catalogue_languages,
)

ROOT = Path(settings.BASE_DIR)
SOURCES = ("cohort", "config", "templates", "locale", "manage.py")


def _gettext_tools() -> bool:
    if shutil.which("xgettext") and shutil.which("msgmerge"):
        return True
    if os.environ.get("CI"):  # scripts/test-services.sh installs them there
        pytest.fail("GNU gettext (xgettext, msgmerge) is missing: the catalogue check cannot run")
    pytest.skip("GNU gettext is not installed (apt-get install gettext); CI installs it")
    return False


def _fresh_catalogue(tmp_path: Path, language: str) -> polib.POFile:
    """The committed catalogue merged with every string the code has now."""
    copy = tmp_path / "copy"
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "tests", "*.pyc")
            shutil.copytree(source, copy / name, ignore=ignore)
        else:
            copy.mkdir(exist_ok=True)
            shutil.copy2(source, copy / name)
    arguments = ["--locale", language, "--add-location", MAKEMESSAGES_OPTIONS["add_location"]]
    arguments += ["--no-obsolete"] if MAKEMESSAGES_OPTIONS["no_obsolete"] else []
    for pattern in MAKEMESSAGES_OPTIONS["ignore_patterns"]:
        arguments += ["--ignore", pattern]
    subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "makemessages", *arguments, "--verbosity", "0"],
        cwd=copy,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
    )
    return polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))


def _label(entry: polib.POEntry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"{context}{entry.msgid!r} ({entry.occurrences[0][0] if entry.occurrences else '?'})"


def test_every_string_has_a_spanish_translation(tmp_path):
    _gettext_tools()
    catalogue = _fresh_catalogue(tmp_path, "es")
    missing = [_label(e) for e in catalogue if not e.obsolete and not e.translated()]
    fuzzy = [_label(e) for e in catalogue if not e.obsolete and e.fuzzy]
    assert not missing and not fuzzy, (
        "Spanish translations are missing: run `make messages`, translate these in "
        "locale/es/LC_MESSAGES/django.po (and remove any fuzzy flag), then `make messages` "
        "again to compile.\nMissing:\n  "
        + "\n  ".join(missing)
        + "\nFuzzy:\n  "
        + "\n  ".join(fuzzy)
    )


@pytest.mark.parametrize("language", catalogue_languages())
def test_each_compiled_catalogue_matches_its_source(language):
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    source = polib.pofile(str(folder / "django.po"))
    compiled = polib.mofile(str(folder / "django.mo"))

    def key(e):
        return (e.msgctxt, e.msgid, e.msgid_plural)

    def value(e):
        return tuple(sorted(e.msgstr_plural.items())) if e.msgid_plural else e.msgstr

    wanted = {key(e): value(e) for e in source.translated_entries()}
    have = {key(e): value(e) for e in compiled if e.msgid}
    stale = sorted(str(k[1]) for k in wanted.keys() ^ have.keys()) + sorted(
        str(k[1]) for k in wanted.keys() & have.keys() if wanted[k] != have[k]
    )
    assert not stale, f"locale/{language}: the .mo is out of date; run `make messages`: {stale}"


@pytest.mark.parametrize("language", catalogue_languages())
def test_translations_keep_the_placeholders(language):
    """A translation that drops or renames a %(name)s would fail at run time."""
    import re

    placeholder = re.compile(r"%\(\w+\)s")
    catalogue = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    wrong = [
        f"{e.msgid!r} -> {text!r}"
        for e in catalogue.translated_entries()
        for text in (e.msgstr_plural.values() if e.msgid_plural else [e.msgstr])
        if set(placeholder.findall(text)) != set(placeholder.findall(e.msgid))
    ]
    assert not wrong, "\n".join(wrong)
