"""Reads on a PostgreSQL streaming replica, when DATABASE_REPLICA_URL adds the "replica" alias.

The rules, in the order `db_for_read` applies them:

- no "replica" alias configured: Django's own choice (the router is not even installed);
- outside a web request (Celery tasks, commands, shell): the primary. A task is handed ids
  of rows committed a moment ago, which a lagging replica may not have yet;
- sessions, authentication, API tokens and the accounts tables (password hashes, roles,
  group membership, `is_active`): the primary, so a sign-out, a password rotation or a
  removal takes effect at once;
- inside a transaction on the primary: the primary (the transaction must see its own rows
  and its locks);
- once the request wrote anything (an ORM write, or any statement other than a read on the
  primary's connection): the primary for the rest of the request, and for
  REPLICA_PIN_SECONDS after it (a cookie), so the redirect after a POST reads what the POST
  wrote;
- otherwise: the replica.

Every write goes to the primary; the replica is a hot standby and would refuse it anyway.
The trade-off: a reader who has not written lately may see the primary's state of up to the
replica's lag ago (milliseconds on a healthy local standby; seconds or more when it falls
behind). See docs/scaleout.md.
"""

import contextlib
import contextvars
from dataclasses import dataclass

from django.conf import settings
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
PIN_COOKIE = "cohort_primary"

# App labels, or "app_label.model_name", whose reads always go to the primary.
PRIMARY_ONLY = frozenset(
    {
        "sessions",
        "auth",
        "contenttypes",
        "admin",
        "django_otp",
        "otp_totp",
        "otp_static",
        "otp_email",
        "accounts.user",
        "accounts.group",
        "accounts.apitoken",
    }
)

# Statements that do not change data: they leave a request free to read the replica.
_READ_ONLY_PREFIXES = (
    "SELECT",
    "SHOW",
    "EXPLAIN",
    "SET",
    "BEGIN",
    "SAVEPOINT",
    "RELEASE",
    "ROLLBACK",
    "COMMIT",
)


@dataclass
class _RequestState:
    is_pinned: bool = False  # reads go to the primary from now on
    has_written: bool = False  # this request wrote: the response sets the pin cookie


_state: contextvars.ContextVar[_RequestState | None] = contextvars.ContextVar(
    "cohort_db_router_state", default=None
)
_is_forced_primary: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "cohort_db_router_forced_primary", default=False
)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _pin_on_write() -> None:
    state = _state.get()
    if state is not None:
        state.is_pinned = state.has_written = True


@contextlib.contextmanager
def replica_reads(*, pinned: bool = False):
    """Let reads in this block go to the replica (a web request does this; a report or an
    export outside one may too). `pinned` starts on the primary."""
    token = _state.set(_RequestState(is_pinned=pinned))
    try:
        yield _state.get()
    finally:
        _state.reset(token)


@contextlib.contextmanager
def primary_reads():
    """Every read in this block goes to the primary (something that must see a write that
    another process committed a moment ago), without pinning the rest of the request."""
    token = _is_forced_primary.set(True)
    try:
        yield
    finally:
        _is_forced_primary.reset(token)


def _is_primary_only(model) -> bool:
    meta = model._meta
    return meta.app_label in PRIMARY_ONLY or meta.label_lower in PRIMARY_ONLY


class PrimaryReplicaRouter:
    """DATABASE_ROUTERS entry: reads to the replica when safe, everything else to the primary."""

    def db_for_read(self, model, **hints):
        if not replica_configured():
            return None
        state = _state.get()
        if (
            state is None
            or state.is_pinned
            or _is_forced_primary.get()
            or _is_primary_only(model)
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        _pin_on_write()
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: a row read on the replica may point at one
        # read on the primary.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's WAL; migrations run on the primary only.
        return False if db == REPLICA else None


class ReplicaRoutingMiddleware:
    """First in MIDDLEWARE when a replica is configured: opens the request's routing state,
    pins it to the primary when the client wrote in the last REPLICA_PIN_SECONDS (cookie) or
    when the request runs a statement that is not a read, and sets that cookie after a write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        with (
            replica_reads(pinned=PIN_COOKIE in request.COOKIES) as state,
            connections[PRIMARY].execute_wrapper(_watch_for_writes),
        ):
            response = self.get_response(request)
        if state.has_written:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def _watch_for_writes(execute, sql, params, many, context):
    """Raw SQL on the primary that may write (INSERT, UPDATE, DELETE, WITH ..., a function
    call) pins the request, as an ORM write does through db_for_write."""
    if not sql.lstrip().upper().startswith(_READ_ONLY_PREFIXES):
        _pin_on_write()
    return execute(sql, params, many, context)
