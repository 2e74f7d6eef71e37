"""collectstatic, as a deploy runs it: Leaflet's packaged files are collected and hashed, and
Leaflet.markercluster's reference to a source map its package does not ship does not stop
it (cohort.core.staticfiles); any other missing file still does. Hashed without WhiteNoise's
compression, which takes a minute here and plays no part in it."""

import json

import pytest
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.management import call_command
from django.test import override_settings

from cohort.core.staticfiles import MissingSourceMapsAllowed, StaticFilesStorage


class HashedStorage(MissingSourceMapsAllowed, ManifestStaticFilesStorage):
    pass


def _collect(tmp_path, backend: str) -> dict:
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    storages["staticfiles"] = {"BACKEND": backend}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", "--verbosity=0")
    return json.loads((tmp_path / "staticfiles.json").read_text())["paths"]


def test_collectstatic_collects_leaflet_with_hashed_names(tmp_path):
    paths = _collect(tmp_path, f"{__name__}.HashedStorage")
    for name in [
        "leaflet/leaflet.js",
        "leaflet/leaflet.css",
        "leaflet-markercluster/leaflet.markercluster.js",
        "leaflet-markercluster/MarkerCluster.css",
        "js/map.js",
    ]:
        assert (tmp_path / paths[name]).exists(), name


def test_without_it_the_missing_source_map_stops_collectstatic(tmp_path):
    with pytest.raises(ValueError, match=r"leaflet\.markercluster\.js\.map"):
        _collect(tmp_path, "django.contrib.staticfiles.storage.ManifestStaticFilesStorage")


def test_a_missing_file_other_than_a_source_map_still_fails(tmp_path):
    storage = StaticFilesStorage(location=tmp_path)
    assert storage.hashed_name("vendor/missing.js.map") == "vendor/missing.js.map"
    with pytest.raises(ValueError, match="could not be found"):
        storage.hashed_name("vendor/missing.png")
