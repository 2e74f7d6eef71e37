"""Profile one chunk of the nightly job: every statement it runs, its time, and the
EXPLAIN (ANALYZE, BUFFERS) of the slow ones (run in a transaction that is rolled back).

    .venv/bin/python bench/explain/recompute.py \
        --database-url postgres://postgres@127.0.0.1:5432/cohort_bench [--chunk 0] [--module M]

--module loads progress_recompute_groups from another module (e.g. a candidate rewrite in
bench/experiments/) instead of cohort.activity.services.recompute.
"""

import argparse
import importlib
import os
import sys
import time
from pathlib import Path as FsPath

ROOT = FsPath(__file__).resolve().parents[2]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--chunk", type=int, default=0, help="which chunk (default the first)")
    parser.add_argument("--module", default="cohort.activity.services.recompute")
    parser.add_argument("--min-ms", type=float, default=20.0, help="EXPLAIN statements over this")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench" / "experiments"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from cohort.activity.tasks import progress_chunks

    recompute = importlib.import_module(args.module).progress_recompute_groups
    chunk = progress_chunks()[args.chunk]
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        rows = recompute(group_ids=chunk)
        elapsed = time.perf_counter() - started
    print(f"chunk {args.chunk}: {len(chunk)} groups, {rows} enrollments, {elapsed:.2f} s")
    statements = [q for q in captured.captured_queries if q["sql"] not in {"BEGIN", "COMMIT"}]
    for number, query in enumerate(statements, 1):
        ms = float(query["time"]) * 1000
        print(f"\n#{number}  {ms:8.1f} ms  {query['sql'][:300]}")
        if ms < args.min_ms or connection.vendor != "postgresql":
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print("\n".join("    " + row[0] for row in cursor.fetchall()))
            transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
