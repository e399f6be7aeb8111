"""Per-application, in-process caches of immutable data (item banks, parameters of stored
calibration runs, exposure counts refreshed on a timer).

Each Flask app has its own caches, so two apps in one process — or two test databases — never
share an entry. A cache is an LRU mapping with a fixed size.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from flask import current_app

T = TypeVar("T")


def cached(name: str, key, build: Callable[[], T], size: int = 64) -> T:
    """The value of ``key`` in the app's cache ``name``, built once by ``build()``."""
    caches = current_app.extensions.setdefault("talentpool_caches", {})
    cache: OrderedDict = caches.setdefault(name, OrderedDict())
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    value = build()
    cache[key] = value
    if len(cache) > size:
        cache.popitem(last=False)
    return value


def peek(name: str, key):
    """The cached value of ``key`` in ``name``, or None (nothing is built)."""
    return current_app.extensions.get("talentpool_caches", {}).get(name, {}).get(key)


def forget(name: str, key=None) -> None:
    """Drop one entry of ``name`` (or the whole cache)."""
    cache = current_app.extensions.get("talentpool_caches", {}).get(name)
    if cache is not None:
        if key is None:
            cache.clear()
        else:
            cache.pop(key, None)
