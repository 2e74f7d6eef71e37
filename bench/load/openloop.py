"""An asyncio + aiohttp load generator, for 127.0.0.1 only. Two modes:

- open loop (`--rate R`): request i is due at start + i/R, sent then whatever the server has
  done with the earlier ones, and its latency runs from that due time to the end of its
  answer, so a stalled server shows in the figures instead of slowing the generator
  down (no coordinated omission);
- closed loop (`--connections N`): N clients, each sending its next request as soon as its
  answer is in (the saturation and many-connection runs).

    .venv/bin/python bench/load/openloop.py --url http://127.0.0.1:8010 --scenario floor --rate 200
    .venv/bin/python bench/load/openloop.py --url ... --scenario unread_count --connections 512 \
        --context /tmp/bench-context.json

bench/load/suite.py imports `run_open` and `run_closed`; this command line is for a quick look.
"""

import argparse
import asyncio
import os
import random
import resource
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

import aiohttp
from scenarios import Request, builder, context_load


@dataclass
class Outcome:
    """What a run measured: the latency in ms of every request (failures too, to the moment
    they failed, as locust counts them) and the failures by kind."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)
    late_ms: float = 0.0  # the generator's worst lag behind its schedule (open loop)
    cpu_seconds: float = 0.0  # the generator's own CPU time

    @property
    def errors(self) -> int:
        return sum(self.failures.values())

    def percentile(self, share: float) -> float:
        """Nearest rank over every request."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, int(share * len(ordered) + 0.5) - 1))]

    def summary(self) -> dict:
        done = len(self.latencies)
        return {
            "rps": done / self.seconds if self.seconds else 0.0,
            "p50": self.percentile(0.50),
            "p95": self.percentile(0.95),
            "p99": self.percentile(0.99),
            "errors": self.errors,
            "requests": done,
            "failures": dict(self.failures.most_common(3)),
            "late_ms": self.late_ms,
            "cpu": self.cpu_seconds / self.seconds if self.seconds else 0.0,
        }


def _local(url: str) -> str:
    host = urlparse(url).hostname
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"bench load goes to 127.0.0.1 only, not {host}")
    return url.rstrip("/")


async def _send(session, base: str, request: Request, due: float, outcome: Outcome) -> None:
    method, path, headers, body = request
    try:
        async with session.request(method, base + path, headers=headers, data=body,
                                   allow_redirects=False) as answer:  # fmt: skip
            await answer.read()
            if answer.status >= 400:
                outcome.failures[f"HTTP {answer.status}"] += 1
            elif "/login" in answer.headers.get("Location", ""):
                outcome.failures["redirect to sign-in"] += 1  # a session that did not count
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        outcome.failures[type(exc).__name__] += 1
    outcome.latencies.append((time.perf_counter() - due) * 1000)


def _session(connections: int, timeout: float) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=connections, limit_per_host=connections)
    return aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),  # every request stands alone
        timeout=aiohttp.ClientTimeout(total=timeout),
    )


async def _dispatch(base, asks, timeout, connections) -> tuple[float, float]:
    """Send each (due second, outcome, request) of `asks` at start + due, whatever the
    server has done with the earlier ones; wait for the last answers. (elapsed s, worst lag
    behind the schedule in ms)"""
    late_ms = 0.0
    async with _session(connections, timeout) as session:
        pending = set()
        start = time.perf_counter() + 0.05
        for offset, outcome, request in asks:
            due = start + offset
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            else:
                late_ms = max(late_ms, -wait * 1000)
            # `request` may be made only now (a write takes the next (member, day) in turn)
            task = asyncio.create_task(_send(session, base, request(), due, outcome))
            pending.add(task)
            task.add_done_callback(pending.discard)
        if pending:
            await asyncio.wait(pending)
        return time.perf_counter() - start, late_ms


async def _open(base, make, rate, seconds, timeout, connections, seed) -> Outcome:
    outcome = Outcome()
    rng = random.Random(seed)
    asks = ((i / rate, outcome, lambda: make(rng)) for i in range(int(rate * seconds)))
    elapsed, outcome.late_ms = await _dispatch(base, asks, timeout, connections)
    outcome.seconds = max(seconds, elapsed)
    return outcome


async def _scheduled(base, asks, seconds, timeout, connections) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}
    planned = (
        (offset, outcomes.setdefault(kind, Outcome()), lambda request=request: request)
        for offset, kind, request in asks
    )
    elapsed, late_ms = await _dispatch(base, planned, timeout, connections)
    total = Outcome(late_ms=late_ms)
    for outcome in outcomes.values():
        total.latencies += outcome.latencies
        total.failures += outcome.failures
    outcomes["Aggregated"] = total
    for outcome in outcomes.values():
        outcome.seconds = max(seconds, elapsed)
    return outcomes


async def _closed(base, make, connections, seconds, timeout, seed) -> Outcome:
    outcome = Outcome()
    async with _session(connections, timeout) as session:
        stop = time.perf_counter() + seconds

        async def client(n: int) -> None:
            rng = random.Random(seed * 1_000 + n)
            while time.perf_counter() < stop:
                await _send(session, base, make(rng), time.perf_counter(), outcome)

        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(connections)))
        outcome.seconds = time.perf_counter() - started
    return outcome


def _timed(coroutine) -> Outcome:
    outcome, cpu = _run_with_cpu(coroutine)
    outcome.cpu_seconds = cpu
    return outcome


def _run_with_cpu(coroutine):
    """The coroutine's result and this process's CPU seconds while it ran."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    result = asyncio.run(coroutine)
    now = resource.getrusage(resource.RUSAGE_SELF)
    return result, (now.ru_utime - used.ru_utime) + (now.ru_stime - used.ru_stime)


def run_open(url: str, make: Callable, *, rate: float, seconds: float, timeout: float = 30,
             connections: int = 256, seed: int = 1) -> Outcome:  # fmt: skip
    """`rate` requests a second for `seconds`, open loop; waits for the last answers."""
    return _timed(_open(_local(url), make, rate, seconds, timeout, connections, seed))


def run_schedule(url: str, asks: list, *, seconds: float, timeout: float = 30,
                 connections: int = 512) -> dict[str, Outcome]:  # fmt: skip
    """Each (due second, kind, request) of `asks` sent at its time, open loop; an Outcome
    per kind and "Aggregated" (that one carries the generator's CPU and lag)."""
    outcomes, cpu = _run_with_cpu(_scheduled(_local(url), asks, seconds, timeout, connections))
    for outcome in outcomes.values():
        outcome.cpu_seconds = cpu
    return outcomes


def run_closed(url: str, make: Callable, *, connections: int, seconds: float,
               timeout: float = 30, seed: int = 1) -> Outcome:  # fmt: skip
    """`connections` clients asking back to back for `seconds`."""
    return _timed(_closed(_local(url), make, connections, seconds, timeout, seed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8010")
    parser.add_argument("--scenario", default="floor")
    parser.add_argument("--context", default=os.environ.get("BENCH_CONTEXT"))
    parser.add_argument("--seconds", type=float, default=10)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--rate", type=float, default=200, help="open loop: requests a second")
    mode.add_argument("--connections", type=int, help="closed loop: this many clients")
    args = parser.parse_args()
    context = context_load(args.context) if args.context else {}
    make = builder(args.scenario, context)
    if args.connections:
        outcome = run_closed(args.url, make, connections=args.connections, seconds=args.seconds)
    else:
        outcome = run_open(args.url, make, rate=args.rate, seconds=args.seconds)
    print(outcome.summary())


if __name__ == "__main__":
    main()
