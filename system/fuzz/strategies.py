"""Hypothesis strategies and settings shared by the parser properties."""

import csv
import io
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# FUZZ_EXAMPLES scales every fuzz test: the API's examples per operation and role, and ten
# (pure parsers) or four (imports that write) times that for the properties here.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))

pure = settings(max_examples=10 * EXAMPLES, derandomize=True, database=None, deadline=None)
# Examples share the test's transaction and data; each one states what it expects to change.
writes = settings(
    max_examples=4 * EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Cells a spreadsheet or a careless export may hold: blanks, quotes, separators, line
# breaks, NUL, a BOM, right-to-left and astral characters, and now and then a huge field.
odd_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["", " ", '"', '""', ",", "\n", "\r\n", "\x00", "\ufeff", "\u202e", "😀", "-1", "1e9"]
)
# Past csv's field limit (131,072 characters) and just under it.
huge_text = st.sampled_from(["x" * 70_000, "9" * 200_000])
cell = odd_text | huge_text


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"])


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")
