"""Saturation with wrk (C, event loop: a few % of one core where locust in Python took most
of one): the requests of a scenario (bench/load/scenarios.py) made in advance and replayed by
a Lua script, each wrk thread taking its own share so that no write repeats.

    .venv/bin/python bench/load/wrk.py --url URL --scenario S --context FILE \\
        [--connections 64] [--seconds 10]

bench/load/suite.py uses it when wrk is installed (`apt-get install wrk`) and locust
otherwise (`--generator`). Latency is wrk's: from each request's send on its connection
(closed loop), as locust's is.
"""

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scenarios import builder, context_load

THREADS = 2
# Enough distinct requests that reads rotate over every prepared member; writes take fresh
# (member, day) pairs (a write scenario's slot holds writers x 5 / 6 of them).
READS_MADE = 20_000

LUA = r"""
local reqs = dofile(%(requests)s)
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
local i, step
function init(args)
  step = %(threads)d
  i = tid - step
  for k, r in ipairs(reqs) do
    reqs[k] = wrk.format(r[1], r[2], r[3], r[4])
  end
end
function request()
  i = i + step
  if i > #reqs then i = ((i - 1) %% #reqs) + 1 end
  return reqs[i]
end
function done(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
  io.write(string.format('WRK_JSON {"requests": %%d, "seconds": %%f, "failed": %%d, '
    .. '"p50": %%f, "p95": %%f, "p99": %%f}\n',
    summary.requests, summary.duration / 1e6, failed,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def available() -> bool:
    return _binary() is not None


def _binary() -> str | None:
    return shutil.which("wrk")


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def requests_file(name: str, context: dict, slot: str, count: int, path: Path) -> None:
    make = builder(name, context, slot)
    rng = random.Random(7)
    lines = ["return {"]
    for _ in range(count):
        method, url, headers, body = make(rng)
        header_items = ", ".join(
            f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in headers.items()
        )
        lua_body = _lua_string(body.decode()) if body else "nil"
        method, url = _lua_string(method), _lua_string(url)
        lines.append(f"{{{method}, {url}, {{{header_items}}}, {lua_body}}},")
    lines.append("}")
    path.write_text("\n".join(lines))


def run(url: str, name: str, context: dict, connections: int, seconds: float,
        slot: str = "saturated", count: int | None = None) -> dict:  # fmt: skip
    """One saturated run: {rps, p50, p95, p99, errors, requests, cpu} like a locust row
    (cpu: the generator's share of one core)."""
    if count is None:
        writers = len(context.get("write_tokens", []))
        count = writers * 5 // 6 if name.startswith("activity_") else READS_MADE
    with tempfile.TemporaryDirectory(prefix="cohort-wrk-") as folder:
        requests = Path(folder) / "requests.lua"
        requests_file(name, context, slot, count, requests)
        script = Path(folder) / "script.lua"
        script.write_text(LUA % {"requests": _lua_string(str(requests)), "threads": THREADS})
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        finished = subprocess.run(
            [_binary() or "wrk", "-t", str(THREADS), "-c", str(connections),
             "-d", f"{int(seconds)}s", "--timeout", "30s", "-s", str(script), url],
            capture_output=True, text=True, timeout=seconds + 120, check=False,
        )  # fmt: skip
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((x for x in finished.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no figures for {name}:\n{finished.stdout}\n{finished.stderr}")
    figures = json.loads(line.removeprefix("WRK_JSON "))
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / wall
    return {
        "rps": figures["requests"] / figures["seconds"],
        "p50": figures["p50"],
        "p95": figures["p95"],
        "p99": figures["p99"],
        "errors": figures["failed"],
        "requests": figures["requests"],
        "cpu": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--context", required=True)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    row = run(args.url, args.scenario, context_load(args.context), args.connections, args.seconds)
    print(json.dumps(row, indent=2))


if __name__ == "__main__":
    main()
