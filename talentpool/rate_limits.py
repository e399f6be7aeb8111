"""Rate limits counted in a store every worker shares: one home for "how many within a window".

Flask-Limiter (on the ``limits`` library) keeps the counts: in Redis when ``REDIS_URL`` is
set (``redis://127.0.0.1:6379/0``: every process and host behind the proxy counts together),
otherwise in the process's memory (one process, as the demo and the tests run; with several
workers and no Redis each worker would count alone, so a production deployment sets
``REDIS_URL``). A request is counted with a moving window: allowed while fewer than ``n`` hits
fell within the last ``window`` seconds under the same key. Nothing is written to the database.

Login-failure counting is domain logic with its own rules (``accounts.throttle``), not this.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItemPerSecond

EXTENSION = "talentpool_rate_limits"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # seconds until a hit would be allowed again (0 when allowed)


def init_app(app: Flask) -> None:
    """Give the application its limiter and store (``RATELIMIT_STORAGE_URI``: Redis when
    ``REDIS_URL`` is set, memory otherwise)."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "talentpool")
    limiter = Limiter(get_remote_address, app=app)
    app.extensions[EXTENSION] = limiter


def hit(scope: str, key: str, limit: int, window_seconds: int) -> Decision:
    """Count one hit of ``key`` in ``scope`` against ``limit`` per ``window_seconds``; a
    refused hit is not counted."""
    limiter: Limiter = current_app.extensions[EXTENSION]
    item = RateLimitItemPerSecond(max(1, int(limit)), max(1, int(window_seconds)),
                                  namespace=scope)
    # The prefix keeps instances (and test runs) that share one Redis apart.
    identifiers = (current_app.config["RATELIMIT_KEY_PREFIX"], key or "unknown")
    if limiter.limiter.hit(item, *identifiers):
        return Decision(True, 0)
    stats = limiter.limiter.get_window_stats(item, *identifiers)
    return Decision(False, max(1, math.ceil(stats.reset_time - time.time())))
