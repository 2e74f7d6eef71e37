"""Start and stop the app server the load scripts measure, on 127.0.0.1, and read its
workers' memory. Every server is a child of the calling script, stopped in its `finally`."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BACKLOG = 2048  # 512 simultaneous connections queue here instead of being refused


@dataclass(frozen=True)
class Server:
    """One app server configuration: `kind` is gunicorn (sync or gthread), uvicorn or granian."""

    kind: str = "gunicorn"
    workers: int = 4
    threads: int = 1
    app: str = "config.wsgi"  # gunicorn's WSGI app (bench/load/_floor.py: "_floor:application")

    @property
    def label(self) -> str:
        if self.kind == "gunicorn" and self.threads > 1:
            return f"gunicorn gthread, {self.workers} workers x {self.threads} threads"
        if self.kind == "gunicorn":
            return f"gunicorn sync, {self.workers} workers"
        if self.kind == "uvicorn":
            return f"uvicorn (ASGI, config.asgi), {self.workers} workers"
        return f"granian (WSGI), {self.workers} workers"

    def command(self, port: int) -> list[str]:
        python = sys.executable
        if self.kind == "gunicorn":
            kind = (
                ["--worker-class=gthread", f"--threads={self.threads}"]
                if self.threads > 1
                else ["--worker-class=sync"]
            )
            return [python, "-m", "gunicorn", self.app, f"--bind=127.0.0.1:{port}",
                    f"--workers={self.workers}", *kind, f"--backlog={BACKLOG}", "--timeout=60",
                    "--keep-alive=75", "--log-level=warning"]  # fmt: skip
        if self.kind == "uvicorn":
            return [python, "-m", "uvicorn", "config.asgi:application", "--host=127.0.0.1",
                    f"--port={port}", f"--workers={self.workers}", f"--backlog={BACKLOG}",
                    "--no-access-log", "--log-level=warning",
                    "--timeout-keep-alive=75"]  # fmt: skip
        if self.kind == "granian":
            return [python, "-m", "granian", "--interface=wsgi", "config.wsgi:application",
                    "--host=127.0.0.1", f"--port={port}", f"--workers={self.workers}",
                    f"--backlog={BACKLOG}", "--log-level=warning", "--no-ws"]  # fmt: skip
        raise ValueError(f"unknown server {self.kind}")


@contextlib.contextmanager
def serving(server: Server, port: int, env: dict, ready_path: str = "/health/live/"):
    """Run `server` on 127.0.0.1:`port` until the block ends; yields the process."""
    quiet = not os.environ.get("BENCH_DEBUG")
    process = subprocess.Popen(
        server.command(port), cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL if quiet else None,
    )  # fmt: skip
    try:
        wait_ready(process, port, ready_path)
        yield process
    finally:
        stop_process_group(process)


def wait_ready(
    process: subprocess.Popen,
    port: int,
    path: str,
    *,
    name: str = "the server",
    seconds: int = 60,
    timeout: float = 1,
) -> None:
    """Until `path` answers on `port` (then a second more, so no worker is still importing
    its app); SystemExit if the process dies first or `seconds` pass."""
    for _ in range(seconds * 2):
        if process.poll() is not None:
            raise SystemExit(
                f"{name} exited at start ({process.returncode}); BENCH_DEBUG=1 shows why"
            )
        try:
            if requests.get(f"http://127.0.0.1:{port}{path}", timeout=timeout).ok:
                time.sleep(1)
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{name} on port {port} did not answer within {seconds} seconds")


def stop_process_group(process: subprocess.Popen, grace: float = 20) -> None:
    """SIGTERM the process's whole group (started with start_new_session), then SIGKILL what
    is left after `grace` seconds."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (the workers, and their own children if any)."""
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                children = [int(c) for c in task.read_text().split()]
                found += children
                queue += children
    return found


def rss_mb(pid: int) -> float:
    """The resident set of one process, in MB (VmRSS of /proc/<pid>/status)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def worker_rss(process: subprocess.Popen) -> list[float]:
    """The RSS of each worker of a running server, in MB, largest first."""
    return sorted((rss_mb(pid) for pid in descendants(process.pid)), reverse=True)


def settle(url: str, *, limit: float = 180.0, path: str = "/health/live/") -> float:
    """Wait until the server answers the floor within 0.5 s three times running: the requests
    an overloaded run left queued (their clients gave up, the workers still serve them) are
    done, so they do not slow the next run. Returns the seconds waited."""
    started = time.monotonic()
    quick = 0
    while quick < 3 and time.monotonic() - started < limit:
        asked = time.monotonic()
        try:
            ok = requests.get(f"{url}{path}", timeout=10).ok
        except requests.RequestException:
            ok = False
        quick = quick + 1 if ok and time.monotonic() - asked < 0.5 else 0
        if not quick:
            time.sleep(1)
    waited = time.monotonic() - started
    if quick < 3:
        print(f"  the server was still busy after {waited:.0f} s; going on", flush=True)
    return waited
