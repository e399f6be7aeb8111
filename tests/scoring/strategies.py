"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

json_leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.text(st.characters(categories=["Cs", "Lo", "P", "Zs"]), max_size=12)
    | st.sampled_from(["", "a", "r1", "s2", "PER", "car", "neg", "0", "choice", "boxes"])
)

json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=25,
)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every location inside a JSON value, the root included."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, prefix + (key,)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_paths(child, prefix + (index,)))
    return found


@st.composite
def mutated(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with one location replaced by arbitrary JSON, deleted, or given an extra key."""
    result = copy.deepcopy(value)
    path = draw(st.sampled_from(_paths(result)))
    if not path:
        return draw(json_values)
    parent = result
    for step in path[:-1]:
        parent = parent[step]
    action = draw(st.sampled_from(["replace", "delete", "extra"]))
    if action == "replace":
        parent[path[-1]] = draw(json_values)
    elif action == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[draw(st.text(max_size=6))] = draw(json_values)
    else:
        parent.append(draw(json_values))
    return result
