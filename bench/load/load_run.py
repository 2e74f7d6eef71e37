"""The endpoint rows of bench/load/suite.py alone (saturation with 64 users, then 200 requests a
second open loop, per endpoint), printed and written nowhere: the command of the earlier
tables in BENCHMARKS.md, kept working. It takes bench/load/suite.py's options.

    .venv/bin/python bench/load/load_run.py [--seconds 30] [--workers 4] [--only floor unread_count]
"""

import sys

from suite import main

if __name__ == "__main__":
    sys.argv[1:1] = ["--skip-mix", "--connections", "0", "--write", ""]
    main()
