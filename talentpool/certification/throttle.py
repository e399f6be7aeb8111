"""Per-address rate limit of the public verification page and APIs, shared by all workers.

A sliding window: a request is refused when the address already made ``VERIFY_RATE_LIMIT``
requests within the last ``VERIFY_RATE_WINDOW_SECONDS``. Each allowed request is one row.
Holder-name checks are also counted per certificate, from all addresses together.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from talentpool.certification.models import VerificationHit
from talentpool.database import utcnow
from talentpool.extensions import db

DEFAULT_LIMIT = 60
DEFAULT_WINDOW_SECONDS = 60
DEFAULT_NAME_CHECKS = 10
NAME_CHECK_WINDOW = timedelta(hours=1)


def _window() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("VERIFY_RATE_WINDOW_SECONDS",
                                                        DEFAULT_WINDOW_SECONDS)))


def _claim(key: str, limit: int, window: timedelta, now: datetime) -> bool:
    """Record one request under ``key`` (committed), then count: within ``limit`` over
    ``window``, or the record is removed again and the request refused. Recording first means
    simultaneous requests cannot pass the limit, on any number of workers."""
    hit = VerificationHit(address=key[:64], at=now)
    db.session.add(hit)
    db.session.commit()
    recent = db.session.scalar(select(func.count()).where(
        VerificationHit.address == hit.address, VerificationHit.at > now - window)) or 0
    if recent > limit:
        db.session.execute(delete(VerificationHit).where(VerificationHit.id == hit.id))
        db.session.commit()
        return False
    return True


def allow_request(address: str, now: datetime | None = None) -> bool:
    """Count one request from ``address`` and say whether it is within the limit; commits."""
    limit = int(current_app.config.get("VERIFY_RATE_LIMIT", DEFAULT_LIMIT))
    return _claim(address or "unknown", limit, _window(), now or utcnow())


def allow_name_check(serial: str, now: datetime | None = None) -> bool:
    """Count one holder-name check of a certificate, from any address, against
    ``VERIFY_NAME_CHECKS_PER_HOUR`` (default 10): with the masked name shown, guessing the
    hidden characters from many addresses would otherwise be feasible. Commits."""
    limit = int(current_app.config.get("VERIFY_NAME_CHECKS_PER_HOUR", DEFAULT_NAME_CHECKS))
    return _claim(f"name:{serial}", limit, NAME_CHECK_WINDOW, now or utcnow())


def purge_verification_hits(now: datetime | None = None) -> str:
    """Delete hits older than the window (a scheduled job); one commit."""
    cutoff = (now or utcnow()) - max(_window(), NAME_CHECK_WINDOW)
    result = db.session.execute(delete(VerificationHit).where(VerificationHit.at < cutoff))
    db.session.commit()
    return f"deleted {result.rowcount or 0} verification hits"
