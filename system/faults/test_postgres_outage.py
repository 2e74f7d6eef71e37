"""PostgreSQL restarted, then stopped for a few seconds, under the running app: readiness
turns 503 and back to 200 by itself, requests fail cleanly meanwhile (503, JSON under the
API, never a 500) and no acknowledged write is lost."""

# ruff: noqa: S101, T201

import threading
import time

import requests

from system.faults.clients import Crowd, Tally, days_to_write, writes_found

STOPPED_SECONDS = 4


class ReadinessWatch:
    """Polls /health/ready/ four times a second and keeps every answer in order."""

    def __init__(self, url: str):
        self.url, self.seen, self.stop = url, [], threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                self.seen.append(requests.get(self.url, timeout=30).status_code)
            except requests.RequestException as exc:
                self.seen.append(type(exc).__name__)
            time.sleep(0.25)

    def wait_for(self, status: int, seconds: float) -> float:
        """Seconds until readiness answers `status`."""
        started = time.monotonic()
        count = len(self.seen)
        while time.monotonic() - started < seconds:
            if self.seen[count:] and self.seen[-1] == status:
                return time.monotonic() - started
            time.sleep(0.1)
        raise AssertionError(f"readiness never answered {status}: {self.seen[-20:]}")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=40)


def test_postgres_restart_and_stop_fail_cleanly_and_recover(app_up):
    services = app_up
    tally = Tally()
    crowd = Crowd(services, tally, members=list(range(41, 81)), threads=6)
    crowd.sign_in_all()
    faults, recovered_in = 0, []
    with ReadinessWatch(services.url("/health/ready/")) as ready:
        crowd.start()
        try:
            time.sleep(2)
            services.pg("restart")
            faults += 1
            recovered_in.append(ready.wait_for(200, 40))
            time.sleep(2)
            services.pg("stop")
            faults += 1
            ready.wait_for(503, 20)
            time.sleep(STOPPED_SECONDS)
            services.pg("start")
            recovered_in.append(ready.wait_for(200, 40))
            time.sleep(2)
        finally:
            crowd.finish()

    found = writes_found(services, tally.acknowledged)
    fives = tally.count(500)
    print(
        f"\npostgres outage: faults injected {faults} (a restart, a {STOPPED_SECONDS} s stop), "
        f"writes acknowledged {len(tally.acknowledged)} / found {found} (attempted "
        f"{tally.attempted}), 503s {tally.count(503)}, 500s seen {fives}; {tally.summary()}; "
        f"ready again after {[round(s, 1) for s in recovered_in]} s; readiness seen "
        f"{sorted(set(map(str, ready.seen)))}"
    )
    assert fives == 0
    assert not tally.bad, tally.bad[:5]
    assert not tally.errors, tally.errors  # every request got an answer
    assert set(tally.statuses) <= {200, 503}, tally.statuses
    assert tally.count(503) > 0  # the faults were felt
    assert 503 in ready.seen and ready.seen[-1] == 200
    for path, kind, body in tally.unavailable:
        if path.startswith("/api/"):
            assert kind.startswith("application/json") and '"detail"' in body, (path, body)
        else:
            assert "Service unavailable" in body, (path, body)
    assert found == len(tally.acknowledged)
    # Back to normal: a member's session from before the outage works and writes again.
    member = crowd.members[0]
    assert member.call("GET", "/api/v1/me").status_code == 200
    assert member.log_day(days_to_write()[-1], 4777)
    assert writes_found(services, {(member.email, days_to_write()[-1]): 4777}) == 1
