"""config/gunicorn.conf.py: the worker count follows the cache the workers share."""

import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[3] / "config" / "gunicorn.conf.py"


@pytest.fixture
def environment(monkeypatch):
    for name in ("REDIS_URL", "WEB_CONCURRENCY", "PORT"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_without_redis_one_worker_serves_since_caches_are_per_process(environment, capsys):
    environment.setenv("WEB_CONCURRENCY", "4")
    assert runpy.run_path(str(CONF))["workers"] == 1
    assert "REDIS_URL is not set" in capsys.readouterr().err


def test_with_redis_the_configured_workers_serve(environment):
    environment.setenv("WEB_CONCURRENCY", "4")
    environment.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert runpy.run_path(str(CONF))["workers"] == 4
