"""Every CSV the app writes goes through `csv_writer`: spreadsheets run a text cell that
starts with = + - @ (or a tab, CR or LF, or their full-width forms) as a formula, so such a
cell goes out with a leading single quote, as OWASP advises ("CSV injection"). Only text is
touched: numbers, dates and booleans keep their value, so a negative number stays a number.
"""

import csv
from collections.abc import Iterable
from typing import Any

# What a spreadsheet may read as the start of a formula (OWASP's list, plus LF and the
# full-width signs some spreadsheet locales also accept).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def cell_safe(value: Any) -> Any:
    """The value as a spreadsheet will take it as data: text starting like a formula is
    prefixed with a single quote; anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer's writerow/writerows, with every cell passed through cell_safe."""

    def __init__(self, out):
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([cell_safe(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out) -> SafeWriter:
    """The only CSV writer to use (a test fails on any other csv.writer in the app)."""
    return SafeWriter(out)
