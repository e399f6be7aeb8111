"""Per-address rate limit of the public verification page and APIs, shared by all workers.

A sliding window: a request is refused when the address already made ``VERIFY_RATE_LIMIT``
requests within the last ``VERIFY_RATE_WINDOW_SECONDS``. Each allowed request is one row.
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


def _window() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("VERIFY_RATE_WINDOW_SECONDS",
                                                        DEFAULT_WINDOW_SECONDS)))


def allow_request(address: str, now: datetime | None = None) -> bool:
    """Count one request from ``address`` and say whether it is within the limit; commits."""
    now = now or utcnow()
    address = (address or "unknown")[:64]
    limit = int(current_app.config.get("VERIFY_RATE_LIMIT", DEFAULT_LIMIT))
    recent = db.session.scalar(select(func.count()).where(
        VerificationHit.address == address, VerificationHit.at > now - _window())) or 0
    if recent >= limit:
        db.session.rollback()
        return False
    db.session.add(VerificationHit(address=address, at=now))
    db.session.commit()
    return True


def purge_verification_hits(now: datetime | None = None) -> str:
    """Delete hits older than the window (a scheduled job); one commit."""
    cutoff = (now or utcnow()) - max(_window(), timedelta(hours=1))
    result = db.session.execute(delete(VerificationHit).where(VerificationHit.at < cutoff))
    db.session.commit()
    return f"deleted {result.rowcount or 0} verification hits"
