"""Response CSV files for the command-line calibrator, in wide or long format.

* wide: header ``person_id,<item id>,…``; one row per person; each cell an integer category or
  empty when the item was not administered.
* long: header ``person,item,category``; one row per answer. Persons and items are numbered in
  order of first appearance, so nothing of size persons × items is ever built.

``read_responses`` detects the format from the header unless it is given. Every problem raises
``InputError`` with a one-line message naming the line, column or item.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .responses import LongResponses, category_counts

LONG_HEADER = ["person", "item", "category"]
INTEGER = re.compile(r"[0-9]+")


class InputError(Exception):
    """A problem with the user's files, reported as one line without a traceback."""


@dataclass(frozen=True)
class ResponseTable:
    """Ids of persons and items, and the answers as a matrix (wide) or triples (long)."""

    person_ids: list[str]
    item_ids: list[str]
    responses: np.ndarray | LongResponses


def read_responses(path: Path, model: str, file_format: str = "auto") -> ResponseTable:
    """Parse and check a response file; raise ``InputError`` naming the offending spot."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = csv.reader(handle)
            header = [cell.strip() for cell in next(rows, [])]
            if not header:
                raise InputError(f"{path} is empty")
            if file_format == "auto":
                file_format = "long" if header == LONG_HEADER else "wide"
            if file_format == "long":
                return _read_long(path, header, rows, model)
            return _read_wide(path, header, list(rows), model)
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"{path} is not a readable UTF-8 CSV file ({error})") from None


def _read_long(path: Path, header: list[str], rows, model: str) -> ResponseTable:
    if header != LONG_HEADER:
        raise InputError(f"{path} line 1: a long-format file has the header person,item,category")
    person_of: dict[str, int] = {}
    item_of: dict[str, int] = {}
    persons, items, categories = [], [], []
    for line, row in enumerate(rows, start=2):
        if len(row) != 3:
            raise InputError(f"{path} line {line}: {len(row)} cells, expected 3")
        person, item, category = (cell.strip() for cell in row)
        if not person or not item:
            raise InputError(f"{path} line {line}: empty person or item id")
        if not INTEGER.fullmatch(category):
            raise InputError(
                f"{path} line {line}: category {category!r} is not a non-negative integer"
            )
        persons.append(person_of.setdefault(person, len(person_of)))
        items.append(item_of.setdefault(item, len(item_of)))
        categories.append(int(category))
    if not persons:
        raise InputError(f"{path} has a header but no answers")
    person = np.array(persons, dtype=np.int64)
    item = np.array(items, dtype=np.int64)
    category = np.array(categories, dtype=np.int64)
    item_ids, person_ids = list(item_of), list(person_of)
    if model in ("2pl", "3pl") and np.any(category > 1):
        line = int(np.argmax(category > 1)) + 2
        raise InputError(
            f"{path} line {line}: {model} items are scored 0/1, found {category[line - 2]}"
        )
    if np.any(category > np.iinfo(np.int16).max):
        line = int(np.argmax(category > np.iinfo(np.int16).max)) + 2
        raise InputError(f"{path} line {line}: category {category[line - 2]} is too large")
    try:
        responses = LongResponses(person, item, category, len(person_ids), len(item_ids))
    except ValueError as error:
        key = person * len(item_ids) + item
        _, first, counts = np.unique(key, return_index=True, return_counts=True)
        if not np.any(counts > 1):
            raise InputError(f"{path}: {error}") from None
        n = int(first[np.argmax(counts > 1)])
        lines = np.flatnonzero(key == key[n])[:2] + 2
        raise InputError(
            f"{path} lines {lines[0]} and {lines[1]}: person {person_ids[person[n]]!r} answered "
            f"item {item_ids[item[n]]!r} twice"
        ) from None
    counts = category_counts(responses)
    for j, item_id in enumerate(item_ids):
        _check_categories(f"{path} item '{item_id}'", np.flatnonzero(counts[j]).tolist())
    return ResponseTable(person_ids, item_ids, responses)


def _read_wide(path: Path, header: list[str], rows: list[list[str]], model: str) -> ResponseTable:
    if header[0] != "person_id":
        raise InputError(
            f"{path} line 1: the first column must be 'person_id' (or use the long format "
            "with the header person,item,category)"
        )
    item_ids = header[1:]
    if not item_ids:
        raise InputError(f"{path} line 1: no item columns after 'person_id'")
    for position, item_id in enumerate(item_ids, start=2):
        if not item_id:
            raise InputError(f"{path} line 1: column {position} has no item id")
    duplicates = sorted({i for i in item_ids if item_ids.count(i) > 1})
    if duplicates:
        raise InputError(f"{path} line 1: duplicate item id(s) {', '.join(duplicates)}")

    person_ids: list[str] = []
    data = np.full((len(rows), len(item_ids)), np.nan)
    for line, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise InputError(
                f"{path} line {line}: {len(row)} cells, but the header has {len(header)} "
                "(ragged row)"
            )
        person = row[0].strip()
        if not person:
            raise InputError(f"{path} line {line}: empty person_id")
        person_ids.append(person)
        for column, cell in enumerate(row[1:]):
            cell = cell.strip()
            if not cell:
                continue
            if not INTEGER.fullmatch(cell):
                raise InputError(
                    f"{path} line {line}, column '{item_ids[column]}': {cell!r} is not a "
                    "non-negative integer category"
                )
            data[line - 2, column] = int(cell)
    if not person_ids:
        raise InputError(f"{path} has a header but no persons")
    seen: set[str] = set()
    for line, person in enumerate(person_ids, start=2):
        if person in seen:
            raise InputError(f"{path} line {line}: duplicate person_id {person!r}")
        seen.add(person)
    _check_wide_design(path, person_ids, item_ids, data, model)
    return ResponseTable(person_ids, item_ids, data)


def _check_wide_design(
    path: Path, person_ids: list[str], item_ids: list[str], data: np.ndarray, model: str
) -> None:
    answered = ~np.isnan(data)
    for row in np.flatnonzero(~answered.any(axis=1)):
        raise InputError(f"{path} line {row + 2}: person {person_ids[row]!r} has no answers")
    for column, item_id in enumerate(item_ids):
        values = data[answered[:, column], column]
        if not len(values):
            raise InputError(f"{path} column '{item_id}': nobody answered this item")
        observed = sorted({int(v) for v in values})
        if model in ("2pl", "3pl") and observed[-1] > 1:
            row = int(np.flatnonzero(data[:, column] > 1)[0])
            raise InputError(
                f"{path} line {row + 2}, column '{item_id}': {model} items are scored 0/1, "
                f"found {observed[-1]}"
            )
        _check_categories(f"{path} column '{item_id}'", observed)


def _check_categories(where: str, observed: list[int]) -> None:
    """Observed categories must be 0..m without gaps, and at least two of them."""
    missing = sorted(set(range(observed[-1] + 1)) - set(observed))
    if missing:
        raise InputError(
            f"{where}: categories with gaps — observed {', '.join(map(str, observed))}, "
            f"missing {', '.join(map(str, missing))}"
        )
    if len(observed) < 2:
        raise InputError(
            f"{where}: every answer is {observed[0]}; an item needs at least two observed "
            "categories to be calibrated"
        )
