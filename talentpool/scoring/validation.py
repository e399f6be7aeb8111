"""Checks shared by the scorers: each takes a value and its path and returns it typed.

Every check raises :class:`ScoringError` naming the path, so the scorers never
touch a value whose type they have not checked, and nothing but ``ScoringError``
escapes from malformed JSON.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from talentpool.scoring.errors import ScoringError

MAX_ID_CHARS = 64
MAX_LABEL_CHARS = 64
MAX_LABELS = 100
MAX_LOCALISED_TEXT_CHARS = 5_000
MAX_PATH_CHARS = 500

_ID_PATTERN = re.compile(r"[A-Za-z0-9_.:\-]+")


def expect_object(
    value: Any, path: str, required: Iterable[str] = (), optional: Iterable[str] = ()
) -> dict[str, Any]:
    """Return ``value`` if it is a dict with all ``required`` keys and no unknown keys."""
    if not isinstance(value, dict):
        raise ScoringError(path, "must be an object")
    required_keys = tuple(required)
    allowed = set(required_keys) | set(optional)
    for key in value:
        if not isinstance(key, str):
            raise ScoringError(path, "keys must be strings")
        if key not in allowed:
            shown = key if len(key) <= MAX_ID_CHARS else key[:MAX_ID_CHARS] + "…"
            raise ScoringError(
                f"{path}.{shown}", f"unknown field (allowed: {', '.join(sorted(allowed))})"
            )
    for key in required_keys:
        if key not in value:
            raise ScoringError(f"{path}.{key}", "is required")
    return value


def expect_list(value: Any, path: str, *, max_len: int, min_len: int = 0) -> list[Any]:
    """Return ``value`` if it is a list whose length is within ``[min_len, max_len]``."""
    if not isinstance(value, list):
        raise ScoringError(path, "must be a list")
    if len(value) < min_len:
        raise ScoringError(path, f"must have at least {min_len} element(s)")
    if len(value) > max_len:
        raise ScoringError(path, f"must have at most {max_len} elements")
    return value


def expect_str(value: Any, path: str, *, max_len: int, min_len: int = 0) -> str:
    """Return ``value`` if it is a string whose length is within ``[min_len, max_len]``."""
    if not isinstance(value, str):
        raise ScoringError(path, "must be a string")
    if len(value) < min_len:
        raise ScoringError(
            path,
            "must not be empty" if min_len == 1 else f"must have at least {min_len} characters",
        )
    if len(value) > max_len:
        raise ScoringError(path, f"must have at most {max_len} characters")
    return value


def expect_id(value: Any, path: str) -> str:
    """Return ``value`` if it is an id: 1–64 characters from ``A-Z a-z 0-9 _ . : -``."""
    text = expect_str(value, path, max_len=MAX_ID_CHARS, min_len=1)
    if not _ID_PATTERN.fullmatch(text):
        raise ScoringError(path, "must use only letters, digits and _ . : -")
    return text


def expect_bool(value: Any, path: str) -> bool:
    """Return ``value`` if it is ``true`` or ``false``."""
    if not isinstance(value, bool):
        raise ScoringError(path, "must be true or false")
    return value


def expect_number(value: Any, path: str) -> float:
    """Return ``value`` as a float if it is a finite int or float (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScoringError(path, "must be a number")
    if isinstance(value, int):
        if abs(value) > 2**53:
            raise ScoringError(path, "is out of range")
        return float(value)
    if not math.isfinite(value):
        raise ScoringError(path, "must be a finite number")
    return value


def expect_int(value: Any, path: str, *, low: int, high: int) -> int:
    """Return ``value`` if it is an integer (not a boolean) in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScoringError(path, "must be an integer")
    if not low <= value <= high:
        raise ScoringError(path, f"must be between {low} and {high}")
    return value


def expect_localised_text(value: Any, path: str) -> str | dict[str, str]:
    """Return ``value`` if it is a string or a ``{"zh": ..., "en": ...}`` mapping of strings."""
    if isinstance(value, str):
        return expect_str(value, path, max_len=MAX_LOCALISED_TEXT_CHARS)
    if not isinstance(value, dict):
        raise ScoringError(path, "must be a string or an object of language → string")
    if not value:
        raise ScoringError(path, "must name at least one language")
    for language, text in value.items():
        if not isinstance(language, str) or not re.fullmatch(
            r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*", language
        ):
            raise ScoringError(path, "keys must be language codes such as zh or en")
        expect_str(text, f"{path}.{language}", max_len=MAX_LOCALISED_TEXT_CHARS)
    return value


def expect_labels(value: Any, path: str) -> list[str]:
    """Return ``value`` if it is a non-empty list of distinct label strings."""
    labels = expect_list(value, path, min_len=1, max_len=MAX_LABELS)
    for index, label in enumerate(labels):
        expect_str(label, f"{path}[{index}]", min_len=1, max_len=MAX_LABEL_CHARS)
    expect_distinct(labels, path, "label")
    return labels


def expect_distinct(values: list[Any], path: str, what: str) -> None:
    """Raise if ``values`` (hashable) contains a duplicate, naming the first repeat."""
    seen: set[Any] = set()
    for index, item in enumerate(values):
        if item in seen:
            raise ScoringError(f"{path}[{index}]", f"duplicate {what} {item!r}")
        seen.add(item)


def expect_member(value: str, allowed: Iterable[str], path: str, what: str) -> str:
    """Return ``value`` if it is one of ``allowed``."""
    if value not in allowed:
        shown = value if len(value) <= MAX_ID_CHARS else value[:MAX_ID_CHARS] + "…"
        raise ScoringError(path, f"unknown {what} {shown!r}")
    return value
