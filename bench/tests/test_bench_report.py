"""bench/load/_report.py: sections between markers, targets beside the figures; the scenarios'
requests."""

import datetime as dt
import random
from argparse import Namespace

from _report import markdown, write_section
from scenarios import builder, cursor


def test_write_section_appends_then_replaces_only_its_own_size(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\nHand-written notes.\n")
    write_section(path, 2000, "first 2k\n")
    write_section(path, 100000, "first 100k\n")
    write_section(path, 2000, "second 2k\n")
    text = path.read_text()
    assert text.startswith("# Benchmarks\n\nHand-written notes.\n")
    assert "second 2k" in text and "first 2k" not in text
    assert "first 100k" in text
    assert text.count("<!-- bench/load/suite.py 2000 members start -->") == 1


def _report(paced_p95: float, unread_rps: float) -> dict:
    def row(rps, p95, errors=0):
        figures = {"rps": rps, "p50": p95 / 2, "p95": p95, "p99": p95, "errors": errors}
        return {**figures, "cpu": 0.5, "offered": 200, "late_ms": 1.0}

    context = {"members": 2000, "groups": 100, "days": 10, "progress_size": 2000,
               "points_size": 1900, "lifetime_size": 1400, "tokens": ["t"], "database": "x",
               "argon2": "m=1", "argon2_cpu_ms": 1.0}  # fmt: skip
    return {
        "context": context,
        "server": "gunicorn sync, 4 workers",
        "args": Namespace(users=64, seconds=5, rate=200, tokens=500),
        "rows": {
            "floor": {"saturated": row(1000, 40), "paced": row(200, 5)},
            "unread_count": {"saturated": row(unread_rps, 80), "paced": row(200, paced_p95)},
        },
        "rss": [120.0, 110.0],
        "minutes": 1.0,
        "when": dt.datetime(2026, 11, 25, tzinfo=dt.UTC),
    }


def test_targets_say_met_or_by_how_much_they_are_missed():
    met = markdown(_report(paced_p95=20, unread_rps=600), "cmd")
    assert "p95 < 50 ms, 0 errors: met; ≥ 50% of the floor: met" in met
    missed = markdown(_report(paced_p95=65, unread_rps=400), "cmd")
    assert "**missed** (p95 15 ms over)" in missed
    assert "≥ 50% of the floor: **missed** by 10 points" in missed
    assert "largest 120 MB, target under 300 MB: met" in missed


def test_writes_never_touch_the_same_member_and_day_twice_in_a_run():
    context = {"write_tokens": [f"coh_{n}" for n in range(60)], "today": "2026-11-25",
               "write_sessions": [f"s{n}" for n in range(60)]}  # fmt: skip
    rng = random.Random(3)
    seen = set()
    for slot in ("warmup", "saturated", "paced"):
        upsert = builder("activity_upsert", context, slot)
        form = builder("activity_form", context, slot)
        for _ in range(50):  # a slot holds 60 x 5 / 6 = 50 pairs
            method, path, headers, _ = upsert(rng)
            assert method == "PUT" and path.startswith("/api/v1/activity/2026-11-")
            seen.add((headers["Authorization"][7:], path[-10:]))
            method, path, headers, body = form(rng)
            member = headers["Cookie"].split(";")[0].split("=")[1]
            day = dict(p.split("=") for p in body.decode().split("&"))["day"]
            seen.add(("coh_" + member[1:], day))
    assert len(seen) == 6 * 50  # every write of every run its own (member, day)


def test_form_carries_a_masked_token_of_its_csrf_cookie():
    from scenarios import CSRF_CHARS, csrf_mask

    rng = random.Random(1)
    secret = "".join(rng.choice(CSRF_CHARS) for _ in range(32))
    token = csrf_mask(secret, rng)
    mask, cipher = token[:32], token[32:]
    unmasked = "".join(
        CSRF_CHARS[(CSRF_CHARS.index(c) - CSRF_CHARS.index(m)) % len(CSRF_CHARS)]
        for c, m in zip(cipher, mask, strict=True)
    )
    assert len(token) == 64 and unmasked == secret


def test_cursor_is_the_apps():
    from cohort.competition.leaderboards.selectors import cursor_encode

    assert cursor(2500) == cursor_encode(2500)
