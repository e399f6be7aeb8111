"""Spreadsheet-formula escaping of CSV exports."""

import csv
import io

import pytest

from talentpool.spreadsheets import escape_cell, to_csv


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx",
                                   "=HYPERLINK(\"http://x\")"])
def test_formula_starts_are_neutralised(value):
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value, expected", [("张三", "张三"), (42, "42"), (None, ""),
                                             ("a=b", "a=b")])
def test_plain_values_are_kept(value, expected):
    assert escape_cell(value) == expected


def test_csv_has_bom_and_escaped_cells():
    data = to_csv(["name", "note"], [["王小明", "=cmd|' /C calc'!A0"]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["name", "note"], ["王小明", "'=cmd|' /C calc'!A0"]]
