"""Levenshtein distance and its edit script, checked against a plain dynamic programme."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from talentpool.scoring.edit_distance import EditOp, distance_of, edit_operations, levenshtein

small_texts = st.text(alphabet="abc北京 ", max_size=30)


def reference_distance(source: str, target: str) -> int:
    previous = list(range(len(target) + 1))
    for i, source_char in enumerate(source, start=1):
        current = [i]
        for j, target_char in enumerate(target, start=1):
            current.append(
                min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + (source_char != target_char),
                )
            )
        previous = current
    return previous[-1]


def apply_script(ops: list[EditOp]) -> tuple[str, str]:
    return "".join(op.source for op in ops), "".join(op.target for op in ops)


def check_script(ops: list[EditOp]) -> None:
    for op in ops:
        if op.op == "equal":
            assert op.source == op.target
        elif op.op == "insert":
            assert op.source == "" and op.target
        elif op.op == "delete":
            assert op.source and op.target == ""
        else:
            assert len(op.source) == len(op.target) > 0
            assert all(a != b for a, b in zip(op.source, op.target, strict=True))
    assert all(a.op != b.op for a, b in zip(ops, ops[1:], strict=False))


@settings(max_examples=200, deadline=None)
@given(source=small_texts, target=small_texts)
def test_distance_and_script_match_the_reference(source: str, target: str) -> None:
    expected = reference_distance(source, target)
    ops = edit_operations(source, target)
    assert levenshtein(source, target) == expected
    assert distance_of(ops) == expected
    assert apply_script(ops) == (source, target)
    check_script(ops)


def test_kitten_to_sitting() -> None:
    # k→s (replace), itt, e→i (replace), n, +g (insert): distance 3
    ops = edit_operations("kitten", "sitting")
    assert [(op.op, op.source, op.target) for op in ops] == [
        ("replace", "k", "s"),
        ("equal", "itt", "itt"),
        ("replace", "e", "i"),
        ("equal", "n", "n"),
        ("insert", "", "g"),
    ]
    assert distance_of(ops) == 3


def test_long_texts_stay_optimal() -> None:
    rng = random.Random(7)
    for length in (700, 1500):
        source = "".join(rng.choice("数据标注员abc ") for _ in range(length))
        target_chars = list(source)
        for _ in range(length // 10):
            position = rng.randrange(len(target_chars))
            edit = rng.choice(["delete", "insert", "replace"])
            if edit == "delete":
                target_chars.pop(position)
            elif edit == "insert":
                target_chars.insert(position, "x")
            else:
                target_chars[position] = "y"
        target = "".join(target_chars)
        ops = edit_operations(source, target)
        assert apply_script(ops) == (source, target)
        assert distance_of(ops) == levenshtein(source, target)
        check_script(ops)


def test_unrelated_long_texts_cost_the_longer_length_at_most() -> None:
    ops = edit_operations("a" * 800, "b" * 1200)
    assert distance_of(ops) == 1200
    assert apply_script(ops) == ("a" * 800, "b" * 1200)
