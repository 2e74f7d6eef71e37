"""Helpers for the concurrency tests (real threads, each with its own database connection)."""

import subprocess
import sys
import threading
from collections.abc import Callable

from django.db import connection


def race(target: Callable[[int], object], count: int) -> tuple[list, list]:
    """Run target(0) .. target(count - 1) in threads released together; returns (results,
    exceptions). Each thread closes its own connection when done."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(n: int) -> None:
        try:
            barrier.wait()
            results.append(target(n))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def python_run(args: list[str], environ: dict[str, str]) -> "subprocess.CompletedProcess":
    """Our interpreter in a fresh process (settings read again from `environ`), from the
    project folder, its output captured; the caller checks the return code."""
    from django.conf import settings

    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
