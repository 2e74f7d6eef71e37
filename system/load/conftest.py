"""The load tests run a real gunicorn beside the test process, and it keeps the real clock:
so does the test process here (members' "today" must be the same on both sides)."""

import pytest


@pytest.fixture(autouse=True)
def _clock_at_test_now():
    """Overrides the root conftest's TEST_NOW travel: the server cannot travel with us."""
    yield
