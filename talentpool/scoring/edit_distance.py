"""Levenshtein distance with an edit script that realises it.

Unit costs: insert, delete and replace cost 1, equal costs 0, and
D[i][j] = min(D[i-1][j] + 1, D[i][j-1] + 1, D[i-1][j-1] + [s_i ≠ t_j]) with
D[i][0] = i and D[0][j] = j; the distance is D[len(s)][len(t)].

Both are computed by rapidfuzz (C++: the bit-parallel algorithm of Myers and Hyyrö, banded by
the distance, with Hirschberg's divide and conquer for long texts), which returns the script as
runs ("opcodes") already. Where several scripts are equally short (a character deleted from a
run of the same character, say), rapidfuzz's choice is the one shown; the distance, and so every
score built on it, is the same whichever is chosen.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from rapidfuzz.distance import Levenshtein

OpKind = Literal["equal", "insert", "delete", "replace"]


class EditOp(NamedTuple):
    """One run of operations turning ``source`` text into ``target`` text."""

    op: OpKind
    source: str
    target: str


def edit_operations(source: str, target: str) -> list[EditOp]:
    """A shortest edit script from ``source`` to ``target``, consecutive equal kinds merged."""
    return [EditOp(tag, source[i1:i2], target[j1:j2])
            for tag, i1, i2, j1, j2 in Levenshtein.opcodes(source, target).as_list()]


def distance_of(ops: list[EditOp]) -> int:
    """Levenshtein distance of an edit script: one per inserted, deleted or replaced character."""
    return sum(max(len(op.source), len(op.target)) for op in ops if op.op != "equal")


def levenshtein(source: str, target: str) -> int:
    """Levenshtein distance (unit costs) between two strings."""
    return Levenshtein.distance(source, target)
