"""The markdown of a bench/load/suite.py run, its targets (issue 10) beside the figures, and the
marker comments that let a later run replace its own section of BENCHMARKS.md."""

import csv
from pathlib import Path

from scenarios import LABELS, PAGES, PEERS

READ_P95_MS = 50  # every read and the activity upsert at the offered rate, zero errors
MIX_P95_MS = 100
RATIO = 1.5  # p95 at the large data set / p95 at the small one, same rate
RSS_MB = 300
FLOOR_SHARE = 0.5  # saturated throughput of these against the floor's
PAGE_SHARE = 0.25  # the HTML pages against the floor's (issue 19)
HEALTH_SHARE = 0.85  # `/health/live/` through the middleware against the bare view's
WRITE_RPS = 500  # logging a day, saturated (issue 19)
WRITE_TARGETS = ("activity_upsert", "activity_form")
SHARE_TARGETS = {
    "unread_count", "leaderboard", "leaderboard_groups", "leaderboard_points",
    "leaderboard_lifetime",
}  # fmt: skip


HEADING = "## The load suite (issue 10)"
INTRO = (
    "Each section below is written by `bench/load/suite.py` (or `bench/load/servers.py`) "
    "between its marker comments; a later run at the same data size replaces it. See "
    "`bench/README.md` for what each run does.\n"
)


def locust_rows(stats: Path) -> dict:
    """Locust's `_stats.csv` as {name: figures}; the total row is called "Aggregated"."""
    if not stats.exists():
        return {}
    rows = {}
    with stats.open() as handle:
        for row in csv.DictReader(handle):
            requests = int(row["Request Count"])
            rows[row["Name"]] = {
                "rps": float(row["Requests/s"]),
                "p50": _number(row["50%"]),
                "p95": _number(row["95%"]),
                "p99": _number(row["99%"]),
                "errors": int(row["Failure Count"]),
                "requests": requests,
            }
    return rows


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0  # "N/A" when nothing was recorded


def ms(value: float) -> str:
    return f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"


def marker(members: int, end: bool = False) -> str:
    return f"<!-- bench/load/suite.py {members} members {'end' if end else 'start'} -->"


def write_section(path: Path, members: int, section: str) -> None:
    """Put `section` between this data size's markers in `path` (appended the first time)."""
    text = path.read_text() if path.exists() else ""
    start, end = marker(members), marker(members, end=True)
    block = f"{start}\n{section.rstrip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        if HEADING not in text:
            text = text.rstrip() + "\n\n" + HEADING + "\n\n" + INTRO
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)


def markdown(report: dict, command: str) -> str:
    context, args = report["context"], report["args"]
    lines = [
        f"### {context['members']:,} members, {report['when']:%Y-%m-%d %H:%M} UTC",
        "",
        f"    {command}",
        "",
        _setting(report),
        "",
        *_scenario_table(report),
    ]
    for turn, rows in enumerate(report.get("rounds", [])[:-1], start=1):
        lines += ["", f"Round {turn} of {len(report['rounds'])} (the table above is the last):",
                  "", *_scenario_table({**report, "rows": rows})]  # fmt: skip
    lines += ["", _ctfd_note(report)]
    if report.get("cpu"):
        lines += ["", "CPU of one request in-process (bench/load/cpu.py, warm caches):", "",
                  "| scenario | CPU ms a request |", "|---|---|"]  # fmt: skip
        lines += [f"| {LABELS[name]} | {value:.2f} |" for name, value in report["cpu"].items()]
    if "mix" in report:
        lines += ["", *_mix_table(report["mix"])]
    if "many" in report:
        lines += ["", *_many_table(report["many"])]
    if report.get("rss"):
        rss = report["rss"]
        each = ", ".join(f"{r:.0f}" for r in rss)
        verdict = _met(rss[0] < RSS_MB, rss[0] - RSS_MB, "MB")
        lines += ["", f"Memory after the run: each worker's RSS {each} MB; largest {rss[0]:.0f} "
                  f"MB, target under {RSS_MB} MB: {verdict}."]  # fmt: skip
    if "compare" in report:
        lines += ["", *_compare_table(report)]
    lines += ["", f"The whole run took {report['minutes']:.1f} minutes ({args.seconds:g} s a run)."]
    return "\n".join(lines) + "\n"


def _ctfd_note(report: dict) -> str:
    ctfd = report.get("ctfd")
    if not ctfd:
        return "CTFd: not measured (no `--ctfd PATH` to a CTFd checkout given)."
    return (
        f"CTFd beside it: the checkout at {ctfd['checkout']}, SQLite, cache {ctfd['cache']}, "
        f"the same gunicorn settings; {ctfd['users']:,} users on its board, "
        f"{len(ctfd['challenges'])} challenges, {ctfd['solves']:,} solves. Flag submissions: "
        "users in turn, a random challenge, the right flag or a wrong one half and half."
    )


def _floor_rps(rows: dict) -> float | None:
    """The share's denominator: the bare Django view when measured, else `/health/live/`."""
    for name in ("django_floor", "floor"):
        if name in rows:
            return rows[name]["saturated"]["rps"]
    return None


def _setting(report: dict) -> str:
    context, args = report["context"], report["args"]
    floor = report["rows"].get("floor", {}).get("saturated", {}).get("rps")
    data = (
        f"Data: {context['members']:,} members in {context['groups']:,} groups of 20, "
        f"{context['days']:,} days of activity, boards of {context['progress_size']:,} (distance), "
        f"{context['points_size']:,} (season points) and {context['lifetime_size']:,} (lifetime) "
        f"members. Each read carries the API token (pages: the session) of one of "
        f"{args.tokens:,} random members with points, members of "
        f"{context.get('spread_groups', 0):,} groups; each write goes to its own (member, day) "
        f"of {getattr(args, 'writers', 0):,} members (the mix: a session of its own member). "
    )
    server = (
        f"Server: {report['server']} on 127.0.0.1 (backlog 2048, timeout 60 s), PostgreSQL "
        f"{context.get('postgres', context['database']).split()[0]} "
        f"(shared_buffers {context.get('shared_buffers', '?')}) with Django's connection pool, "
        f"Redis db {str(getattr(args, 'redis_url', '/3')).rsplit('/', 1)[-1]} (flushed, "
        "leaderboards rebuilt). "
    )
    generator = (
        "wrk (2 threads, each request made in advance by bench/load/wrk.py)"
        if getattr(args, "generator", "locust") == "wrk"
        else "locust (FastHttpUser, one process)"
    )
    tools = (
        f"Saturation: {generator} with {args.users} connections; the fixed "
        f"rate: bench/load/openloop.py, open loop, latency from each request's scheduled time. "
        f"Server, PostgreSQL, Redis and the generators share the machine's 2 cores. "
    )
    floor_text = (
        f"The floor (`/health/live/`) answered {floor:,.0f} req/s saturated." if floor else ""
    )
    return data + server + tools + floor_text


def _scenario_table(report: dict) -> list[str]:
    rows = report["rows"]
    floor = _floor_rps(rows)
    lines = [
        f"| scenario | saturated req/s ({report['args'].users} conn.) | share of the floor | p50 "
        "| p95 | p99 | errors | generator CPU | offered req/s (open loop) | req/s | p50 | p95 "
        "| p99 | errors "
        "| targets |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        s, p = row["saturated"], row["paced"]
        measured_against = name != "django_floor" and (name != "floor" or "django_floor" in rows)
        share = s["rps"] / floor if floor and measured_against else None
        lines.append(
            f"| {LABELS[name]} | {s['rps']:,.0f} | {f'{share:.0%}' if share else ''} | "
            f"{_cells(s)} | {s['cpu']:.0%} | {p['offered']:g} | {p['rps']:.0f} | {_cells(p)} | "
            f"{_targets(name, share, p, report['context'], s['rps'])} |"
        )
    late = max((r["paced"]["late_ms"] for r in rows.values()), default=0)
    lines += ["", f"The open-loop generator fell at most {late:.0f} ms behind its schedule "
              "(that lag is inside the latencies above)."]  # fmt: skip
    return lines


def _cells(figures: dict) -> str:
    """p50 | p95 | p99 | errors"""
    return (
        f"{ms(figures['p50'])} | {ms(figures['p95'])} | {ms(figures['p99'])} | {figures['errors']}"
    )


def _targets(name: str, share, paced: dict, context: dict, saturated: float = 0.0) -> str:
    if name == "floor":
        if share is None:
            return ""
        short = (HEALTH_SHARE - share) * 100
        return f"≥ 85% of the floor: {_met(share >= HEALTH_SHARE, short, 'points')}"
    if name in PEERS:
        return ""
    if name == "signin":
        return (
            f"none: Argon2id ({context['argon2']}) costs {context['argon2_cpu_ms']:.0f} ms of CPU "
            "a check here, so sign-ins are offered at a lower rate"
        )
    parts = [f"p95 < {READ_P95_MS} ms, 0 errors: " + _latency(paced, READ_P95_MS)]
    if name in SHARE_TARGETS and share is not None:
        short = (FLOOR_SHARE - share) * 100
        parts.append(f"≥ 50% of the floor: {_met(share >= FLOOR_SHARE, short, 'points')}")
    if name in WRITE_TARGETS:
        rps = WRITE_RPS
        parts.append(f"≥ {rps} req/s saturated: {_met(saturated >= rps, rps - saturated, 'req/s')}")
    if name in PAGES and share is not None:
        short = (PAGE_SHARE - share) * 100
        parts.append(f"≥ 25% of the floor: {_met(share >= PAGE_SHARE, short, 'points')}")
    return "; ".join(parts)


def _latency(figures: dict, limit: float) -> str:
    misses = []
    if figures["p95"] >= limit:
        misses.append(f"p95 {figures['p95'] - limit:.0f} ms over")
    if figures["errors"]:
        misses.append(f"{figures['errors']} errors")
    return "met" if not misses else "**missed** (" + ", ".join(misses) + ")"


def _met(ok: bool, by: float, unit: str) -> str:
    return "met" if ok else f"**missed** by {by:.0f} {unit}"


def _mix_table(mix: dict) -> list[str]:
    rows = mix["rows"]
    total = rows.get("Aggregated")
    cpu = next(iter(rows.values()))["cpu"]
    if mix.get("generator") == "open":
        generator = (
            f"open loop (bench/load/mixopen.py: every ask due at a fixed time, latency from "
            f"then), one asyncio process using {cpu:.0%} of one core"
        )
    else:
        generator = (
            f"locust used {cpu:.0%} of one core (one process: above about 90% it, not the "
            "server, would be the limit)"
        )
    lines = [
        f"The realistic mix: {mix['users']:,} members in browsers for {mix['seconds']:g} s "
        f"(each polls the unread badge every 30 s, opens the dashboard, the leaderboards or the "
        f"map every 20 s, logs a day's steps about every 5 minutes); {generator}.",
        "",
        "| request kind | requests | req/s | p50 | p95 | p99 | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        if name != "Aggregated":
            lines.append(_mix_row(name, row))
    if total:
        lines.append(_mix_row("**all**", total))
        lines += ["", f"Target: p95 under {MIX_P95_MS} ms over all: {_latency(total, MIX_P95_MS)}."]
    return lines


def _mix_row(name: str, row: dict) -> str:
    return (
        f"| {name} | {row['requests']:,} | {row['rps']:.1f} | {ms(row['p50'])} | "
        f"{ms(row['p95'])} | {ms(row['p99'])} | {row['errors']} |"
    )


def _many_table(many: dict) -> list[str]:
    failures = ", ".join(f"{k}: {v}" for k, v in many["failures"].items()) or "none"
    return [
        f"{many['connections']} simultaneous connections on the unread count "
        f"(bench/load/openloop.py, closed loop, 60 s client timeout):",
        "",
        "| connections | requests | req/s | p50 | p95 | p99 | errors | target: zero errors |",
        "|---|---|---|---|---|---|---|---|",
        f"| {many['connections']} | {many['requests']:,} | {many['rps']:,.0f} | "
        f"{ms(many['p50'])} | {ms(many['p95'])} | {ms(many['p99'])} | {many['errors']} "
        f"({failures}) | "
        f"{'met' if not many['errors'] else '**missed**'} |",
    ]


def _compare_table(report: dict) -> list[str]:
    compare, rows = report["compare"], report["rows"]
    big, small = report["context"]["members"], compare["members"]
    lines = [
        f"p95 at {report['args'].rate:g} req/s, {big:,} members against {small:,} (the same "
        f"server, the smaller data set prepared and measured right after):",
        "",
        f"| scenario | p95 at {big:,} | p95 at {small:,} | ratio | errors at {small:,} "
        f"| target ≤ {RATIO} |",
        "|---|---|---|---|---|---|",
    ]
    for name, other in compare["rows"].items():
        mine = rows[name]["paced"]["p95"]
        ratio = mine / other["p95"] if other["p95"] else 0.0
        verdict = "met" if ratio <= RATIO else f"**missed** ({ratio - RATIO:.2f} over)"
        lines.append(
            f"| {LABELS[name]} | {ms(mine)} | {ms(other['p95'])} | {ratio:.2f} | "
            f"{other['errors']} | {verdict if name != 'floor' else ''} |"
        )
    return lines
