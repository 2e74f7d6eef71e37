"""Whole-database backups and restores, for PostgreSQL and for the embedded SQLite file.

PostgreSQL goes through `pg_dump --format=custom` (one consistent snapshot: pg_dump reads
everything inside a single repeatable-read transaction) and `pg_restore`; SQLite through
its online backup API, which copies a consistent image while the app keeps running.
Credentials reach the pg tools through the environment (PGPASSWORD...), never argv, so
they do not show in `ps` or in the logs.

Functions take a Django `settings_dict` (default: DATABASES["default"]) so that a test, or
an operator's script, can restore into a database other than the one the app uses.
"""

import os
import shutil
import sqlite3
import subprocess  # noqa: S404  (fixed argv, no shell)
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.utils import timezone


class BackupError(Exception):
    """A backup or restore could not be made; the message says why."""


def _default_settings_dict() -> dict:
    return connections["default"].settings_dict


def _vendor(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise ImproperlyConfigured(f"Backups support PostgreSQL and SQLite, not {engine}")


def backup_default_path(*, vendor: str) -> Path:
    """Where a backup goes when no path is given: var/backups/cohort-<UTC time>.<ext>."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    suffix = "dump" if vendor == "postgresql" else "sqlite3"
    return Path(settings.VAR_DIR) / "backups" / f"cohort-{stamp}.{suffix}"


def pg_environment(settings_dict: dict) -> dict[str, str]:
    """The process environment for pg tools: connection details as PG* variables."""
    options = settings_dict.get("OPTIONS") or {}
    values = {
        "PGHOST": settings_dict.get("HOST") or "",
        "PGPORT": str(settings_dict.get("PORT") or ""),
        "PGUSER": settings_dict.get("USER") or "",
        "PGPASSWORD": settings_dict.get("PASSWORD") or "",
        "PGDATABASE": settings_dict["NAME"],
        "PGSSLMODE": options.get("sslmode", ""),
        "PGSSLROOTCERT": options.get("sslrootcert", ""),
    }
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    environment.update({k: v for k, v in values.items() if v})
    return environment


def pg_connect(settings_dict: dict, **kwargs):
    """A plain psycopg connection (no pool, no Django) to the database in `settings_dict`."""
    import psycopg

    env = pg_environment(settings_dict)
    names = {"PGHOST": "host", "PGPORT": "port", "PGUSER": "user", "PGPASSWORD": "password"}
    names |= {"PGSSLMODE": "sslmode", "PGSSLROOTCERT": "sslrootcert"}
    params = {names[k]: env[k] for k in names if env.get(k)}
    return psycopg.connect(dbname=settings_dict["NAME"], **params, **kwargs)


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def _run(argv: list[str], settings_dict: dict) -> None:
    result = subprocess.run(  # noqa: S603  (argv built here, no shell)
        argv, env=pg_environment(settings_dict), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed: {result.stderr.strip()[-2000:]}")


def backup_create(*, output: Path | None = None, settings_dict: dict | None = None) -> Path:
    """Write a consistent backup of the database to `output` (or the default path) and
    return the path. The file is written beside its final name and renamed at the end, so
    an interrupted backup never leaves a file that looks complete."""
    settings_dict = settings_dict or _default_settings_dict()
    vendor = _vendor(settings_dict)
    path = Path(output) if output else backup_default_path(vendor=vendor)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    # Created empty and owner-only first: it will hold password hashes and personal data.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        if vendor == "postgresql":
            argv = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
            _run([*argv, f"--file={partial}"], settings_dict)
        else:
            _sqlite_copy(source=Path(settings_dict["NAME"]), target=partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _sqlite_copy(*, source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(f"SQLite database {source} does not exist")
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # all pages in one step: one consistent image
        finally:
            dst.close()
    finally:
        src.close()


def cohort_tables() -> list[str]:
    """The database tables of Cohort's own apps (including many-to-many tables)."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_config.name.startswith("cohort.") and model._meta.managed:
            tables.add(model._meta.db_table)
    return sorted(tables)


def tables_with_rows(settings_dict: dict | None = None) -> list[str]:
    """Cohort's tables that exist in the database and hold at least one row."""
    settings_dict = settings_dict or _default_settings_dict()
    if _vendor(settings_dict) == "postgresql":
        with pg_connect(settings_dict) as conn:
            return _nonempty(conn, "SELECT to_regclass(%s) IS NOT NULL", '"{}"')
    path = Path(settings_dict["NAME"])
    if not path.exists():
        return []
    conn = sqlite3.connect(path)
    try:
        exists = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
        return _nonempty(conn, exists, "{}")
    finally:
        conn.close()


def _nonempty(conn, exists_sql: str, name_format: str) -> list[str]:
    found = []
    cursor = conn.cursor()
    for table in cohort_tables():
        cursor.execute(exists_sql, [name_format.format(table)])
        if not cursor.fetchone()[0]:
            continue
        # Table names come from our own models, never from input.
        cursor.execute(f'SELECT 1 FROM "{table}" LIMIT 1')  # noqa: S608
        if cursor.fetchone():
            found.append(table)
    cursor.close()
    return found


def backup_restore(*, path: Path, settings_dict: dict | None = None) -> None:
    """Load the backup at `path` into the database. Refuses (BackupError) when any of
    Cohort's tables there holds a row: a restore replaces everything, so it is only ever
    run against a new, empty (or freshly migrated) database."""
    settings_dict = settings_dict or _default_settings_dict()
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}")
    occupied = tables_with_rows(settings_dict)
    if occupied:
        shown = ", ".join(occupied[:5]) + (" ..." if len(occupied) > 5 else "")
        raise BackupError(
            f"The database {settings_dict['NAME']} is not empty ({shown} hold rows). "
            "Restore into a new, empty database and point DATABASE_URL at it."
        )
    if _vendor(settings_dict) == "postgresql":
        argv = [
            _pg_tool("pg_restore"),
            "--clean",  # drop what an empty `migrate` created, then load the backup's
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",  # all or nothing
            "--exit-on-error",
            f"--dbname={settings_dict['NAME']}",
            str(path),
        ]
        _run(argv, settings_dict)
    else:
        _sqlite_copy(source=path, target=Path(settings_dict["NAME"]))
