"""PROMETHEUS_MULTIPROC_DIR: requests served by several worker processes add up in a scrape.

prometheus-client picks its storage when first imported, so each worker is a subprocess.
"""

import os

from prometheus_client.parser import text_string_to_metric_families

from cohort.core.testing import python_run

_WORKER = """
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment

setup_test_environment()
client = Client()
for _ in range(3):
    assert client.get("/health/live/").status_code == 200
"""

_SCRAPE = """
import django
django.setup()
from prometheus_client import generate_latest
from cohort.core.testing import python_run
from cohort.ops import metrics

print(generate_latest(metrics.process_collector()).decode())
"""


def _run(script: str, environ: dict) -> str:
    child = python_run(["-c", script], environ)
    assert child.returncode == 0, child.stderr
    return child.stdout


def test_a_scrape_sums_every_workers_requests(tmp_path):
    samples_dir = tmp_path / "prometheus"
    samples_dir.mkdir()
    environ = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SENTRY_DSN"}
    }
    environ.update(
        PROMETHEUS_MULTIPROC_DIR=str(samples_dir),
        COHORT_VAR_DIR=str(tmp_path / "var"),  # the embedded default; no query runs
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    _run(_WORKER, environ)
    _run(_WORKER, environ)
    assert len(list(samples_dir.glob("*.db"))) >= 2  # each worker wrote its own file

    exposition = _run(_SCRAPE, environ)
    counts = [
        sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == "cohort_http_request_duration_seconds_count"
        and sample.labels == {"route": "health/live/", "method": "GET"}
    ]
    assert counts == [6]
