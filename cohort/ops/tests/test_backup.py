"""`backup` then `restore` gives back every row of every table, on PostgreSQL and SQLite."""

import shutil
import sqlite3
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from cohort.ops.backups import backup_restore, pg_connect
from cohort.ops.tests.factories import JobRunFactory


def _tables() -> dict[str, str]:
    """Every model's table (many-to-many ones too) and its primary-key column."""
    tables = {"django_migrations": "id"}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables[model._meta.db_table] = model._meta.pk.column
    return tables


def _dump(cursor) -> dict[str, list[tuple]]:
    rows = {}
    for table, pk in sorted(_tables().items()):
        cursor.execute(f'SELECT * FROM "{table}" ORDER BY "{pk}"')  # noqa: S608
        rows[table] = cursor.fetchall()
    return rows


def _seed_and_back_up(tmp_path: Path, name: str) -> Path:
    call_command("seed_demo", "--members", "25", "--allow-production", stdout=StringIO())
    out = StringIO()
    call_command("backup", "--output", str(tmp_path / name), stdout=out)
    assert f"Backup written to {tmp_path / name}" in out.getvalue()
    return tmp_path / name


def _assert_same_rows(expected: dict, restored: dict) -> None:
    assert sum(len(rows) for rows in expected.values()) > 100  # the seed really wrote data
    assert sorted(restored) == sorted(expected)
    for table, rows in expected.items():
        assert restored[table] == rows, table


@pytest.mark.django_db(transaction=True)
def test_postgres_backup_restores_every_row_into_a_new_database(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL round trip; this run uses SQLite")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore not installed (apt-get install postgresql-client)")
    backup = _seed_and_back_up(tmp_path, "cohort.dump")
    source = connection.settings_dict
    target = {**source, "NAME": f"cohort_restore_{uuid.uuid4().hex[:12]}"}
    with pg_connect(source, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{target["NAME"]}"')
        try:
            backup_restore(path=backup, settings_dict=target)
            with pg_connect(source) as src, pg_connect(target) as dst:
                expected, restored = _dump(src.cursor()), _dump(dst.cursor())
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}" WITH (FORCE)')
    _assert_same_rows(expected, restored)


@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_every_row_into_a_new_file(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite round trip; this run uses PostgreSQL")
    backup = _seed_and_back_up(tmp_path, "cohort.sqlite3")
    target = {**connection.settings_dict, "NAME": tmp_path / "restored.sqlite3"}
    backup_restore(path=backup, settings_dict=target)
    src = sqlite3.connect(connection.settings_dict["NAME"])
    dst = sqlite3.connect(target["NAME"])
    try:
        expected, restored = _dump(src.cursor()), _dump(dst.cursor())
    finally:
        src.close()
        dst.close()
    _assert_same_rows(expected, restored)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_holds_rows(tmp_path):
    JobRunFactory(name="anything")
    backup = tmp_path / "cohort.dump"
    backup.write_bytes(b"not read: the check comes first")
    with pytest.raises(CommandError, match="is not empty .*ops_jobrun"):
        call_command("restore", str(backup))


def test_restore_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", str(tmp_path / "missing.dump"))
