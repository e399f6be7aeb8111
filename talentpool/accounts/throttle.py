"""Failed-attempt throttling per account and per network address, shared by all workers."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from talentpool.accounts.models import LoginFailure
from talentpool.extensions import db

ACCOUNT = "account"
ADDRESS = "address"
RESET = "reset"


def _window(now: datetime) -> datetime:
    return now - timedelta(minutes=current_app.config["LOGIN_THROTTLE_MINUTES"])


def failures_since(kind: str, key: str, since: datetime) -> int:
    """Number of failures recorded for ``(kind, key)`` after ``since``."""
    query = select(func.count()).where(
        LoginFailure.kind == kind, LoginFailure.key == key, LoginFailure.at > since
    )
    return db.session.scalar(query) or 0


def retry_after_minutes(email: str, address: str, now: datetime) -> int | None:
    """Minutes to wait before another login attempt is allowed, or None if not throttled."""
    cfg = current_app.config
    since = _window(now)
    limits = ((ACCOUNT, email, cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
              (ADDRESS, address, cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]))
    for kind, key, limit in limits:
        if failures_since(kind, key, since) >= limit:
            oldest = db.session.scalar(
                select(func.min(LoginFailure.at)).where(
                    LoginFailure.kind == kind, LoginFailure.key == key, LoginFailure.at > since
                )
            )
            free_at = oldest + timedelta(minutes=cfg["LOGIN_THROTTLE_MINUTES"])
            return max(1, int((free_at - now).total_seconds() // 60) + 1)
    return None


def record_failure(kind: str, key: str, now: datetime) -> None:
    """Add one failure (the caller commits)."""
    db.session.add(LoginFailure(kind=kind, key=key, at=now))


def clear_account_failures(email: str) -> None:
    """Forget an account's failures after a successful login (the caller commits)."""
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.kind == ACCOUNT, LoginFailure.key == email)
    )


def purge_before(cutoff: datetime) -> int:
    """Delete failures older than ``cutoff`` (the caller commits); returns the count."""
    result = db.session.execute(delete(LoginFailure).where(LoginFailure.at < cutoff))
    return result.rowcount or 0
