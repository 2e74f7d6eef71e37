import sys
from pathlib import Path

# The bench scripts import each other by plain name (they run as `python bench/x.py`).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
