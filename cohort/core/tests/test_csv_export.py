import ast
import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings

from cohort.core.csv_export import FORMULA_STARTS, cell_safe, csv_writer


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_text_starting_like_a_formula_gets_a_leading_quote(start):
    assert cell_safe(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


@pytest.mark.parametrize("text", ["Ana", "ana=1@example.com", " =1", "", "'quoted", "5-2"])
def test_other_text_is_unchanged(text):
    assert cell_safe(text) == text


@pytest.mark.parametrize("value", [-5, 0, 3.5, -2.25, True, None, dt.date(2026, 1, 2)])
def test_numbers_and_other_values_stay_as_they_are(value):
    assert cell_safe(value) is value


def test_the_writer_escapes_every_text_cell_and_keeps_numbers():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["name", "points"])
    writer.writerows([["=SUM(A1)", -3], ["@cmd", 7]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["name", "points"],
        ["'=SUM(A1)", "-3"],
        ["'@cmd", "7"],
    ]


def test_no_other_module_writes_csv_on_its_own():
    """One home for CSV output: any csv.writer / DictWriter outside core/csv_export.py
    would bypass the escaping."""
    root = Path(settings.BASE_DIR)
    offenders = [
        f"{source.relative_to(root)}:{node.lineno}"
        for source in [*root.glob("cohort/**/*.py"), *root.glob("config/**/*.py")]
        if "tests" not in source.parts and source.name != "csv_export.py"
        for node in ast.walk(ast.parse(source.read_text()))
        if isinstance(node, ast.Attribute)
        and node.attr in ("writer", "DictWriter")
        and isinstance(node.value, ast.Name)
        and node.value.id == "csv"
    ]
    assert offenders == []
