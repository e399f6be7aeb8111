"""Strict parsing of JSON documents that arrive from outside (uploads, fetched documents).

A signed document must be read exactly one way: no NaN or Infinity, no duplicate member names
(two readers could pick different values), and a depth limit against stack exhaustion.
"""

from __future__ import annotations

import json

MAX_JSON_DEPTH = 32


class MalformedJSON(ValueError):
    """The uploaded text is not one strict JSON document."""


def _reject_constant(name: str):
    raise MalformedJSON(f"{name} is not allowed in JSON")


def _unique_members(pairs: list) -> dict:
    names = [name for name, _value in pairs]
    if len(names) != len(set(names)):
        raise MalformedJSON("duplicate member name")
    return dict(pairs)


def _depth(value, limit: int = MAX_JSON_DEPTH) -> int:
    stack, deepest = [(value, 1)], 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        if isinstance(item, dict):
            children = list(item.values())
        else:
            children = item if isinstance(item, list) else []
        stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_strict_json(raw: bytes) -> object:
    """One JSON value: UTF-8, no NaN/Infinity, no duplicate names, at most 32 levels deep."""
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant,
                           object_pairs_hook=_unique_members)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise MalformedJSON(str(error)) from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise MalformedJSON("nested too deeply")
    return value
