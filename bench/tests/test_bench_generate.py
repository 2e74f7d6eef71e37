"""bench/generate.py loads members with COPY, which skips Django's field defaults: every NOT
NULL column the User model gains must be written by it (it failed on `terms_accepted_version`
after the member-data work)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER = os.environ.get("BENCH_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def database_url():
    name = f"cohort_gen_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(SERVER, autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server to generate into")
    yield SERVER.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_generate_loads_a_small_programme(database_url):
    done = subprocess.run(
        [sys.executable, "bench/generate.py", "--members", "40", "--database-url", database_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    with psycopg.connect(database_url) as connection:
        count = connection.execute("SELECT count(*) FROM accounts_user").fetchone()[0]
    assert count >= 40
