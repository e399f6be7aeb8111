"""Per-address rate limit of the public verification page and APIs, shared by all workers.

A moving window: a request is refused when the address already made ``VERIFY_RATE_LIMIT``
requests within the last ``VERIFY_RATE_WINDOW_SECONDS``. Holder-name checks are also counted
per certificate, from all addresses together (``VERIFY_NAME_CHECKS_PER_HOUR``). The counts
live in the shared rate-limit store (``talentpool.rate_limits``: Redis when ``REDIS_URL`` is
set), never in the database.
"""

from __future__ import annotations

from flask import current_app

from talentpool import rate_limits

DEFAULT_LIMIT = 60
DEFAULT_WINDOW_SECONDS = 60
DEFAULT_NAME_CHECKS = 10
NAME_CHECK_WINDOW_SECONDS = 3600


def window_seconds() -> int:
    return int(current_app.config.get("VERIFY_RATE_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS))


def allow_request(address: str) -> bool:
    """Count one request from ``address`` and say whether it is within the limit."""
    limit = int(current_app.config.get("VERIFY_RATE_LIMIT", DEFAULT_LIMIT))
    return rate_limits.hit("verify", address or "unknown", limit, window_seconds()).allowed


def allow_name_check(serial: str) -> bool:
    """Count one holder-name check of a certificate, from any address, against
    ``VERIFY_NAME_CHECKS_PER_HOUR`` (default 10): with the masked name shown, guessing the
    hidden characters from many addresses would otherwise be feasible."""
    limit = int(current_app.config.get("VERIFY_NAME_CHECKS_PER_HOUR", DEFAULT_NAME_CHECKS))
    return rate_limits.hit("verify-name", serial, limit, NAME_CHECK_WINDOW_SECONDS).allowed
