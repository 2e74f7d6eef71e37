"""The read replica router (cohort/core/db_router.py): which connection each query takes.

The "replica" alias here is a second connection to the test database, so every test can
tell by the queries each connection ran where the router sent them; a real streaming
replica is shown by bench/scaleout.py.
"""

import json
import os

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection, connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from cohort.core.db_router import (
    PIN_COOKIE,
    REPLICA,
    ReplicaRoutingMiddleware,
    primary_reads,
    replica_reads,
)
from cohort.core.testing import python_run

ROUTER = "cohort.core.db_router.PrimaryReplicaRouter"

# Any table the router may send to the replica will do; core imports no app above it.
JobRun = apps.get_model("ops", "JobRun")

# Outside pytest-django's test transaction: the router sends every read inside a
# transaction to the primary, which is what these tests look at.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replica(settings):
    """A "replica" alias on the test database and the router installed; removed after."""
    primary = connections["default"].settings_dict
    options = {k: v for k, v in primary["OPTIONS"].items() if k != "pool"}
    # Persistent (None), and connected here: pytest-django forbids opening a connection
    # for an alias the test did not declare, and the alias did not exist when it checked.
    connections.settings[REPLICA] = {**primary, "OPTIONS": options, "CONN_MAX_AGE": None}
    connections[REPLICA].connect()
    settings.DATABASE_ROUTERS = [ROUTER]
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


class Queries:
    """The queries each connection ran inside the block."""

    def __enter__(self):
        self.primary = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections[REPLICA])
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)

    @staticmethod
    def _tables(captured) -> list[str]:
        return [q["sql"] for q in captured.captured_queries]

    @property
    def on_primary(self) -> list[str]:
        return self._tables(self.primary)

    @property
    def on_replica(self) -> list[str]:
        return self._tables(self.replica)


def _request(view, *, cookies: dict | None = None) -> HttpResponse:
    """Run `view` behind the routing middleware, as a web request would."""
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    return ReplicaRoutingMiddleware(lambda req: view())(request)


def _count_runs() -> HttpResponse:
    return HttpResponse(str(JobRun.objects.count()))


def test_a_request_reads_from_the_replica(replica):
    JobRun.objects.create(name="seen")
    with Queries() as queries:
        response = _request(_count_runs)
    assert response.content == b"1"
    assert len(queries.on_replica) == 1 and "ops_jobrun" in queries.on_replica[0]
    assert queries.on_primary == []
    assert PIN_COOKIE not in response.cookies  # a request that only read sets nothing


def test_after_a_write_the_rest_of_the_request_reads_the_primary_and_the_client_is_pinned(
    replica, settings
):
    settings.REPLICA_PIN_SECONDS = 7

    def read_write_read():
        before = JobRun.objects.filter(name="written").count()
        JobRun.objects.create(name="written")
        return HttpResponse(f"{before} {JobRun.objects.filter(name='written').count()}")

    with Queries() as queries:
        response = _request(read_write_read)
    assert response.content == b"0 1"
    assert len(queries.on_replica) == 1  # the first count, before the request wrote
    assert len(queries.on_primary) == 2  # the insert, then the second count
    assert response.cookies[PIN_COOKIE]["max-age"] == 7

    # The next request of that client (the redirect after a POST) reads the primary too;
    # another client's request still reads the replica.
    with Queries() as pinned:
        _request(_count_runs, cookies={PIN_COOKIE: "1"})
    assert pinned.on_replica == [] and len(pinned.on_primary) == 1
    with Queries() as other:
        _request(_count_runs)
    assert len(other.on_replica) == 1 and other.on_primary == []


def test_a_raw_sql_write_pins_the_request_too(replica):
    run = JobRun.objects.create(name="raw")

    def read_raw_update_read():
        before = JobRun.objects.get(pk=run.pk).rows
        with connection.cursor() as cursor:
            cursor.execute("UPDATE ops_jobrun SET rows = 5 WHERE id = %s", [run.pk])
        return HttpResponse(f"{before} {JobRun.objects.get(pk=run.pk).rows}")

    with Queries() as queries:
        response = _request(read_raw_update_read)
    assert response.content == b"0 5"
    assert len(queries.on_replica) == 1  # only the read before the update
    assert len(queries.on_primary) == 2
    assert PIN_COOKIE in response.cookies


def test_reads_inside_a_transaction_go_to_the_primary(replica):
    def read_in_and_after_a_transaction():
        with transaction.atomic():
            JobRun.objects.filter(name="in").exists()
        JobRun.objects.filter(name="after").exists()  # it wrote nothing: replica again
        return HttpResponse("")

    with Queries() as queries:
        response = _request(read_in_and_after_a_transaction)
    inside = [sql for sql in queries.on_primary if "ops_jobrun" in sql]
    assert len(inside) == 1 and "'in'" in inside[0]
    assert len(queries.on_replica) == 1 and "'after'" in queries.on_replica[0]
    assert PIN_COOKIE not in response.cookies


def test_primary_reads_sends_a_block_to_the_primary_without_pinning_the_request(replica):
    def read_in_block_then_outside():
        with primary_reads():
            JobRun.objects.filter(name="in").exists()
        JobRun.objects.filter(name="after").exists()
        return HttpResponse("")

    with Queries() as queries:
        response = _request(read_in_block_then_outside)
    assert len(queries.on_primary) == 1 and "'in'" in queries.on_primary[0]
    assert len(queries.on_replica) == 1 and "'after'" in queries.on_replica[0]
    assert PIN_COOKIE not in response.cookies


def test_sessions_and_accounts_are_read_from_the_primary(replica):
    def read_auth_tables_and_another():
        get_user_model().objects.filter(email="nobody@example.com").exists()
        Session.objects.filter(session_key="nothing").exists()
        JobRun.objects.exists()
        return HttpResponse("")

    with Queries() as queries:
        _request(read_auth_tables_and_another)
    assert len(queries.on_primary) == 2
    assert "accounts_user" in queries.on_primary[0] and "django_session" in queries.on_primary[1]
    assert len(queries.on_replica) == 1 and "ops_jobrun" in queries.on_replica[0]


def test_outside_a_request_reads_the_primary(replica):
    """Celery tasks and commands: a task's ids may be newer than the replica."""
    with Queries() as queries:
        JobRun.objects.count()
    assert queries.on_replica == [] and len(queries.on_primary) == 1
    # ... unless the code opts in, as a long report may.
    with Queries() as queries, replica_reads():
        JobRun.objects.count()
    assert len(queries.on_replica) == 1 and queries.on_primary == []


def test_a_signed_in_page_reads_the_replica_but_its_session_and_user_from_the_primary(
    replica, settings, client
):
    settings.MIDDLEWARE = ["cohort.core.db_router.ReplicaRoutingMiddleware", *settings.MIDDLEWARE]
    organiser = get_user_model().objects.create(
        email="organiser@example.com", display_name="Org", role="organiser"
    )
    client.force_login(organiser)
    # The first request stamps the session's sign-in time (a write, on DB sessions); the
    # second, once the pin that write set has gone, only reads.
    client.get("/api/v1/notifications")
    client.cookies.pop(PIN_COOKIE, None)
    with Queries() as queries:
        response = client.get("/api/v1/notifications")
    assert response.status_code == 200, response.content
    replica_sql = " ".join(queries.on_replica)
    assert "notifications_notification" in replica_sql
    assert "django_session" not in replica_sql
    assert 'FROM "accounts_user" WHERE "accounts_user"."id"' not in replica_sql
    primary_sql = " ".join(queries.on_primary)
    assert "accounts_user" in primary_sql  # the signed-in user, for the session check
    assert PIN_COOKIE not in response.cookies


def test_without_a_replica_the_router_and_middleware_change_nothing(settings):
    settings.DATABASE_ROUTERS = [ROUTER]
    with CaptureQueriesContext(connections["default"]) as primary:
        response = _request(_count_runs)
    assert len(primary.captured_queries) == 1
    assert PIN_COOKIE not in response.cookies


def _database_settings(**env: str) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'aliases': sorted(s.DATABASES), 'routers': s.DATABASE_ROUTERS, "
        "'first_middleware': s.MIDDLEWARE[0], "
        "'mirror': s.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR')}))"
    )
    dropped = {"DATABASE_URL", "DATABASE_REPLICA_URL"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings", **env}
    result = python_run(["-c", code], environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=False)
def test_settings_add_the_replica_only_when_database_replica_url_is_set():
    primary = "postgres://cohort@db1.example.org:5432/cohort"
    without = _database_settings(DATABASE_URL=primary)
    assert without["aliases"] == ["default"] and without["routers"] == []
    assert without["first_middleware"] != "cohort.core.db_router.ReplicaRoutingMiddleware"

    replica_url = "postgres://cohort@db2.example.org:5433/cohort"
    found = _database_settings(DATABASE_URL=primary, DATABASE_REPLICA_URL=replica_url)
    assert found == {
        "aliases": ["default", "replica"],
        "routers": [ROUTER],
        "first_middleware": "cohort.core.db_router.ReplicaRoutingMiddleware",
        "mirror": "default",
    }


def test_a_cached_value_is_built_from_the_primary(replica):
    """A value built from a lagging replica would be stored under the key a write just
    renewed and served stale until the next change, so a cache miss reads the primary."""
    from cohort.core.caching import cached

    JobRun.objects.create(name="cached")

    def page():
        runs = cached("runs", "test:runs", lambda: JobRun.objects.count())
        return HttpResponse(str(runs))

    with Queries() as queries:
        response = _request(page)
    assert response.content == b"1"
    assert queries.on_replica == [] and len(queries.on_primary) == 1
