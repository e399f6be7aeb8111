"""The edit script and normalisation of transcription scoring as they were before rapidfuzz:
bit-parallel Levenshtein on Python integers and a character-by-character punctuation pass.
Kept as the reference that tests/scoring/test_transcription_reference.py checks today's
scorer against (same distance, error rate and score on any input)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from talentpool.scoring.transcription import _SPACE_NEXT_TO_CJK, _WHITESPACE, KEPT_SIGNS

OpKind = Literal["equal", "insert", "delete", "replace"]


@dataclass(frozen=True)
class EditOp:
    """One run of operations turning ``source`` text into ``target`` text."""

    op: OpKind
    source: str
    target: str


def _columns(source: str, target: str) -> list[tuple[int, int]]:
    """(VP, VN) of every column j = 0 … len(target); ``source`` runs along the bits."""
    all_rows = (1 << len(source)) - 1
    match_masks: dict[str, int] = {}
    for row, char in enumerate(source):
        match_masks[char] = match_masks.get(char, 0) | (1 << row)
    positive, negative = all_rows, 0
    columns = [(positive, negative)]
    for char in target:
        matches = match_masks.get(char, 0)
        diagonal_zero = (((matches & positive) + positive) ^ positive) | matches | negative
        horizontal_positive = (negative | ~(diagonal_zero | positive)) & all_rows
        horizontal_negative = diagonal_zero & positive
        horizontal_positive = ((horizontal_positive << 1) | 1) & all_rows
        horizontal_negative = (horizontal_negative << 1) & all_rows
        positive = (horizontal_negative | ~(diagonal_zero | horizontal_positive)) & all_rows
        negative = horizontal_positive & diagonal_zero
        columns.append((positive, negative))
    return columns


def _cell(columns: list[tuple[int, int]], row: int, column: int) -> int:
    positive, negative = columns[column]
    below = (1 << row) - 1
    return column + (positive & below).bit_count() - (negative & below).bit_count()


def _vertical_delta(columns: list[tuple[int, int]], row: int, column: int) -> int:
    """D[row][column] − D[row − 1][column], for row ≥ 1."""
    positive, negative = columns[column]
    if (positive >> (row - 1)) & 1:
        return 1
    return -1 if (negative >> (row - 1)) & 1 else 0


def _alignment(source: str, target: str) -> list[OpKind]:
    """Operations of one optimal alignment, preferring equal/replace, then delete, then insert."""
    if not source or not target:
        return ["delete"] * len(source) + ["insert"] * len(target)
    columns = _columns(source, target)
    i, j = len(source), len(target)
    current = _cell(columns, i, j)
    left: int | None = None
    ops: list[OpKind] = []
    while i > 0 and j > 0:
        if left is None:
            left = _cell(columns, i, j - 1)
        up = current - _vertical_delta(columns, i, j)
        diagonal = left - _vertical_delta(columns, i, j - 1)
        same = source[i - 1] == target[j - 1]
        if diagonal + (not same) == current:
            ops.append("equal" if same else "replace")
            i, j, current, left = i - 1, j - 1, diagonal, None
        elif up + 1 == current:
            ops.append("delete")
            i, current, left = i - 1, up, diagonal
        else:
            ops.append("insert")
            j, current, left = j - 1, left, None
    ops.extend(["delete"] * i + ["insert"] * j)
    ops.reverse()
    return ops


def _common_affix_lengths(source: str, target: str) -> tuple[int, int]:
    limit = min(len(source), len(target))
    prefix = 0
    while prefix < limit and source[prefix] == target[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and source[-1 - suffix] == target[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def edit_operations(source: str, target: str) -> list[EditOp]:
    """A minimal edit script from ``source`` to ``target``, consecutive equal kinds merged."""
    prefix, suffix = _common_affix_lengths(source, target)
    middle_ops = _alignment(
        source[prefix : len(source) - suffix], target[prefix : len(target) - suffix]
    )
    kinds: list[OpKind] = ["equal"] * prefix + middle_ops + ["equal"] * suffix
    runs: list[EditOp] = []
    i = j = 0
    for kind in kinds:
        source_char = source[i] if kind != "insert" else ""
        target_char = target[j] if kind != "delete" else ""
        i += kind != "insert"
        j += kind != "delete"
        if runs and runs[-1].op == kind:
            last = runs[-1]
            runs[-1] = EditOp(kind, last.source + source_char, last.target + target_char)
        else:
            runs.append(EditOp(kind, source_char, target_char))
    return runs


def distance_of(ops: list[EditOp]) -> int:
    """Levenshtein distance of an edit script: one per inserted, deleted or replaced character."""
    return sum(max(len(op.source), len(op.target)) for op in ops if op.op != "equal")


def levenshtein(source: str, target: str) -> int:
    """Levenshtein distance (unit costs) between two strings."""
    prefix, suffix = _common_affix_lengths(source, target)
    middle_source = source[prefix : len(source) - suffix]
    middle_target = target[prefix : len(target) - suffix]
    if not middle_source or not middle_target:
        return max(len(middle_source), len(middle_target))
    return _cell(_columns(middle_source, middle_target), len(middle_source), len(middle_target))


def normalise(text: str) -> str:
    """The comparison form of a transcript, one character at a time."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    unpunctuated = "".join(
        " " if unicodedata.category(ch).startswith("P") and ch not in KEPT_SIGNS else ch
        for ch in folded
    )
    collapsed = _WHITESPACE.sub(" ", unpunctuated).strip()
    return _SPACE_NEXT_TO_CJK.sub("", collapsed)
