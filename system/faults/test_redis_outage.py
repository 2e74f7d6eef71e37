"""Redis stopped and started under the running app: the degraded mode serves every read and
write from the database, without a 500, and the app recovers by itself."""

# ruff: noqa: S101, T201

import time

from system.faults.clients import Crowd, Member, Tally, days_to_write, writes_found

OUTAGES = (4.0, 3.0)  # seconds Redis stays down, twice


def _unread_in_database(services, email: str) -> int:
    return services.sql_value(
        "SELECT COUNT(*) FROM notifications_notification n JOIN accounts_user u "
        "ON u.id = n.recipient_id WHERE u.email = %s AND n.read_at IS NULL",
        [email],
    )


def test_redis_outage_serves_reads_and_writes_from_the_database(app_up):
    services = app_up
    tally = Tally()
    crowd = Crowd(services, tally, members=list(range(1, 41)), threads=6)
    crowd.sign_in_all()  # sessions made before the outage
    reader = crowd.members[0]
    assert reader.call("GET", "/api/v1/notifications/unread-count").status_code == 200  # cached
    faults, new_sessions, health = 0, [], []
    crowd.start()
    try:
        time.sleep(2)
        for number, seconds in enumerate(OUTAGES):
            services.redis_stop()
            faults += 1
            time.sleep(1)
            # Signing in, reading everything about one's notifications and the readiness
            # answer, all while Redis is away.
            member = Member(services, 100 + number, tally)
            assert member.sign_in().status_code == 200
            new_sessions.append(member)
            read = member.call("POST", "/api/v1/notifications/read", json={"all": True})
            assert read.status_code == 200, read.text
            reader.call("POST", "/api/v1/notifications/read", json={"all": True})
            health.append(member.call("GET", "/health/ready/").json())
            time.sleep(seconds - 1)
            services.redis_start()
            time.sleep(3)
    finally:
        crowd.finish()

    # After the outage: every session still signed in (the ones from before and the ones
    # made during it), and every count exact.
    after = [*crowd.members, *new_sessions]
    me = [m.call("GET", "/api/v1/me") for m in after]
    assert [r.status_code for r in me] == [200] * len(after)
    assert [r.json()["email"] for r in me] == [m.email for m in after]
    for member, answer in zip(after, me, strict=True):
        assert answer.json()["unread_count"] == _unread_in_database(services, member.email)
    for page in ("/", "/leaderboards/", "/activity/", "/api/v1/leaderboards/progress/me"):
        assert reader.call("GET", page).status_code == 200, page
    day = days_to_write()[0]
    mine = {d: s for (email, d), s in tally.acknowledged.items() if email == reader.email}
    if day in mine:
        assert reader.call("GET", f"/api/v1/activity/{day}").json()["steps"] == mine[day]
    assert services.redis_ping()
    assert reader.call("GET", "/health/ready/").json() == {"status": "ok"}

    found = writes_found(services, tally.acknowledged)
    fives = tally.count(500)
    print(
        f"\nredis outage: faults injected {faults} (Redis stopped and started), writes "
        f"acknowledged {len(tally.acknowledged)} / found {found} (attempted {tally.attempted}),"
        f" 500s seen {fives}; {tally.summary()}; readiness while down {health}"
    )
    assert not tally.bad, tally.bad[:5]
    assert not tally.errors, tally.errors
    assert fives == 0
    assert len(tally.acknowledged) == tally.attempted  # nothing failed for want of Redis
    assert found == len(tally.acknowledged)
    assert all(h["status"] == "degraded" for h in health), health
