"""Werkzeug's URL builders, compiled once per process instead of once per app.

For every URL rule Werkzeug generates two small Python functions that build the rule's URLs
(``Rule._compile_builder``: a syntax tree, ``compile``, ``exec``). The app has about 200 rules,
so this is about nine tenths of ``create_app``'s time — some 0.1 s of CPU for every test that
makes an app. The generated function depends only on the rule's parsed parts and the names of
its defaults; it reads everything else from the rule it is bound to. So two apps' rules with the
same parts can share one compiled function, and tests share them through this cache.

A rule whose default fills one of its own variables is folded to a constant by the converter
of its map, which the key does not capture: those are compiled as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from werkzeug.routing import Rule

_Builder = Callable[..., tuple[str, str]]

#: Werkzeug's own method, as imported (before any cache replaced it).
werkzeug_compile_builder = getattr(Rule, "_compile_builder", None)


def builder_key(rule: Rule, append_unknown: bool) -> tuple | None:
    """Everything the builder Werkzeug compiles for ``rule`` depends on; None when the rule's
    defaults are folded into it (then the map's converters matter too)."""
    defaults = rule.defaults or {}
    trace = getattr(rule, "_trace", None)
    if trace is None or any(dynamic and name in defaults for dynamic, name in trace):
        return None
    return (append_unknown, rule.rule, tuple(trace), tuple(str(k) for k in defaults))


@contextmanager
def shared_url_builders() -> Iterator[dict]:
    """Within the block, rules with equal keys share one compiled builder; yields the cache
    (a Werkzeug without ``Rule._compile_builder`` is left as it is)."""
    compile_builder = werkzeug_compile_builder
    if compile_builder is None:
        yield {}
        return
    builders: dict[tuple, _Builder] = {}

    def cached(self: Rule, append_unknown: bool = True) -> _Builder:
        key = builder_key(self, append_unknown)
        if key is None:
            return compile_builder(self, append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    Rule._compile_builder = cached
    try:
        yield builders
    finally:
        Rule._compile_builder = compile_builder
