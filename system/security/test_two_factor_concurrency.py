"""One TOTP code sent twice at the same moment (a double submit, or a thief racing the
owner) is accepted once: the device row is locked while the code is checked."""

import datetime as dt

import pytest
import time_machine

from cohort.accounts.tests.factories import StaffFactory
from cohort.core.testing import race
from system.security.test_two_factor import code_for, enrolled, password_sign_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 5  # a race without the lock is lost only some of the time: several rounds


def test_one_code_sent_twice_at_once_is_accepted_once(postgres_only):
    organiser = StaffFactory(email="boss@example.com")
    device = enrolled(organiser)
    start = dt.datetime.now(tz=dt.UTC)
    for round_ in range(ROUNDS):
        # Each round in its own 30-second step, so each has a fresh code.
        with time_machine.travel(start + dt.timedelta(seconds=31 * round_), tick=True):
            clients = [password_sign_in(organiser.email) for _ in range(2)]
            device.refresh_from_db()
            code = code_for(device)
            results, errors = race(
                lambda n, c=code, cl=clients: cl[n].post("/2fa/", {"code": c}).status_code, 2
            )
        assert errors == []
        assert sorted(results) == [302, 422], f"round {round_}"
