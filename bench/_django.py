"""Shared set-up for the bench scripts: point Django at the benchmark database first."""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cohort_bench"


def database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
        help=f"the benchmark's own database (default {DEFAULT_URL}; BENCH_DATABASE_URL)",
    )


def setup(database_url: str) -> None:
    """Create the PostgreSQL database if missing, configure Django and migrate."""
    if database_url.startswith("postgres"):
        _create_database(database_url)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _create_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg
    from psycopg import sql

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or "",
        dbname="postgres",
        autocommit=True,
    ) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def tokens_mint(users: list, name: str) -> list[str]:
    """A fresh activity:write API token for each user (those named `name` before are
    deleted), made as api_token_create makes one but in one insert: 2,000 transactions with
    their audit rows took minutes on a busy machine. Marked as just used, since a token's
    first use records its use (an UPDATE), which would turn the first reads into writes."""
    import datetime as dt
    import secrets

    from django.conf import settings
    from django.utils import timezone

    from cohort.accounts.models import ApiToken
    from cohort.accounts.tokens import TOKEN_PREFIX, token_hash

    ApiToken.objects.filter(name=name).delete()
    raws = [TOKEN_PREFIX + secrets.token_urlsafe(32) for _ in users]
    now = timezone.now()
    expires_at = now + dt.timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS)
    ApiToken.objects.bulk_create(
        ApiToken(
            user=user,
            name=name,
            prefix=raw[:10],
            key_hash=token_hash(raw),
            scope=ApiToken.Scope.ACTIVITY_WRITE,
            expires_at=expires_at,
            last_used_at=now,
        )
        for user, raw in zip(users, raws, strict=True)
    )
    return raws
