import sys
from pathlib import Path

# The bench scripts import each other by plain name (they run as `python bench/load/x.py`):
# bench/ holds the shared _django.py, bench/load/ the scripts these tests check.
BENCH = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(BENCH / "load"), str(BENCH)]
