"""Typed readers for environment variables that fail loudly on malformed values.

Every reader also accepts ``NAME_FILE`` (a path whose contents are the value), so
secrets can come from mounted files instead of the process environment.
"""

import os
import re
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            with open(file_path, encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_path!r} cannot be read: {exc}") from exc
    return os.environ.get(name)


def is_set(name: str) -> bool:
    return bool(_raw(name))


def string(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def boolean(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def integer(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


_RATE = re.compile(r"[1-9][0-9]*/[0-9]*[smhd]")


def rate(name: str, default: str) -> str:
    """A django-ratelimit rate such as "20/m" or "100/15m" (a count per period)."""
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip()
    if not _RATE.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name} must be a rate like 20/m, 100/15m or 500/h, got {value!r}"
        )
    return value


def string_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def url_origin(name: str, url: str) -> str | None:
    """The origin (scheme://host[:port]) of a URL template such as a map tile server's,
    `{s}` subdomains as a wildcard; None for an empty one; a non-http(s) URL fails loudly."""
    if not url:
        return None
    parsed = urlparse(url.replace("{s}", "subdomain-s"))
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise ImproperlyConfigured(f"{name}={url!r}: give an http(s) URL, or leave it empty")
    return f"{parsed.scheme}://{parsed.netloc.replace('subdomain-s', '*')}"


def database_from_url(url: str, *, pool: bool) -> dict:
    """Turn ``postgres://user:pass@host:port/name`` or ``sqlite:///path`` into DATABASES['x']."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parsed.path) or ":memory:"}
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(f"Unsupported database URL scheme {parsed.scheme!r}")
    name = unquote(parsed.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("The database URL must name a database")
    options: dict = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
    if pool:
        options["pool"] = {
            "min_size": 2,
            "max_size": integer("DB_POOL_MAX_SIZE", 10, minimum=1),
            # How long a request waits for a connection: with the database down it then
            # answers 503 (config/api.py, core/middleware.py) instead of hanging for 30 s.
            "timeout": integer("DB_POOL_TIMEOUT", 5, minimum=1),
        }
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 0 if pool else integer("DB_CONN_MAX_AGE", 60, minimum=0),
        "CONN_HEALTH_CHECKS": not pool,
        "OPTIONS": options,
    }
