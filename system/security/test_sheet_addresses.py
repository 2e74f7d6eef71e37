"""Item 14: an organiser's sheet URL is no port scanner. The sync refuses loopback, private
and link-local addresses (unless SHEET_ALLOW_PRIVATE_ADDRESSES), sends them no request, and
what a sheet answers is never echoed back in the outcome the admin shows."""

import pytest
from django.core.management import CommandError, call_command

from cohort.accounts.tests.factories import GroupFactory, MemberFactory
from cohort.activity.models import DailyActivity, SheetSource
from cohort.activity.tasks import sync_sheets_task
from cohort.activity.tests.sheet_server import Answer, SheetServer

pytestmark = pytest.mark.django_db

SECRET = b"INTERNAL-SECRET-7731,1\n"


@pytest.fixture
def inside():
    """A service on the loopback that must stay out of reach."""
    server = SheetServer()
    server.answers["/admin"] = Answer(SECRET)
    yield server
    server.close()


@pytest.fixture
def group(db):
    group = GroupFactory(name="Scanners")
    MemberFactory(group=group, email="scanner@example.com")
    return group


def test_the_nightly_sync_refuses_a_loopback_sheet_and_sends_it_nothing(inside, group):
    source = SheetSource.objects.create(group=group, url=inside.url("/admin"))
    assert sync_sheets_task.delay().get() == {"synced": 0, "failed": 1}
    assert inside.requests == 0
    source.refresh_from_db()
    assert "only public addresses" in source.last_result
    assert "INTERNAL-SECRET" not in source.last_result


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:6379/",
        "http://127.0.0.1:5432/",
        "http://[::ffff:127.0.0.1]:6379/",
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://10.0.0.1/",
        "http://0.0.0.0:8000/",
    ],
)
def test_the_command_refuses_internal_addresses(group, url):
    SheetSource.objects.create(group=group, url=url)
    with pytest.raises(CommandError, match="only public addresses"):
        call_command("sync_sheet", "Scanners")


def test_an_allowed_internal_sheet_still_never_echoes_its_answer(inside, group, settings):
    settings.SHEET_ALLOW_PRIVATE_ADDRESSES = True
    source = SheetSource.objects.create(group=group, url=inside.url("/admin"))
    assert sync_sheets_task.delay().get() == {"synced": 0, "failed": 1}
    assert inside.requests == 1
    source.refresh_from_db()
    assert source.last_result.startswith("1 bad row(s), nothing written; first at row 1")
    assert "INTERNAL-SECRET" not in source.last_result
    assert not DailyActivity.objects.exists()
