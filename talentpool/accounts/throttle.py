"""Failed-attempt throttling, shared by all workers through the database.

Counting and recording are one step: an attempt first records itself (committed), then counts
the records in the window, its own included, and is evaluated only when that count is within
the limit. However many attempts run at once, at most ``limit`` of them are evaluated per
window: the last of them to count sees every evaluated attempt's record. A refused attempt
removes its record again, so waiting out the window always helps.

Logins are counted this way per account *and address* (so nobody can lock a victim out by
guessing from elsewhere). Per address over all accounts only failures that happened count: an
exam room behind one address signs in together, and its sign-ins in progress are no failures.
That bound is the limit plus the sign-ins in progress at the moment, which the server's workers
bound. A completed password reset clears the account's records on every address.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from talentpool.accounts.models import LoginFailure
from talentpool.extensions import db

ACCOUNT = "account"  # key: account_key(email, address)
ADDRESS = "address"  # key: the address
RESET = "reset"  # key: the address asking for reset links


def account_key(email: str, address: str) -> str:
    """The key of one account tried from one address (fits the 254-character column)."""
    return f"{_account_prefix(email)}{address}"[:254]


def _account_prefix(email: str) -> str:
    return hashlib.sha256(email.encode("utf-8")).hexdigest() + "|"


def _window(now: datetime) -> datetime:
    return now - timedelta(minutes=current_app.config["LOGIN_THROTTLE_MINUTES"])


def failures_since(kind: str, key: str, since: datetime) -> int:
    """Number of records for ``(kind, key)`` after ``since``."""
    query = select(func.count()).where(
        LoginFailure.kind == kind, LoginFailure.key == key, LoginFailure.at > since)
    return db.session.scalar(query) or 0


def _minutes_until_free(kind: str, key: str, now: datetime) -> int:
    oldest = db.session.scalar(select(func.min(LoginFailure.at)).where(
        LoginFailure.kind == kind, LoginFailure.key == key, LoginFailure.at > _window(now)))
    free_at = (oldest or now) + timedelta(minutes=current_app.config["LOGIN_THROTTLE_MINUTES"])
    return max(1, int((free_at - now).total_seconds() // 60) + 1)


def claim(limits: list[tuple[str, str, int]], now: datetime) -> tuple[list[int], int | None]:
    """Record one attempt under every ``(kind, key, limit)`` and commit, then count.

    Returns the ids of the records and None when the attempt may be evaluated, or the minutes
    to wait when any limit is exceeded (the records are then removed again; committed)."""
    rows = [LoginFailure(kind=kind, key=key, at=now) for kind, key, _limit in limits]
    db.session.add_all(rows)
    db.session.commit()
    ids = [row.id for row in rows]
    since = _window(now)
    for kind, key, limit in limits:
        if failures_since(kind, key, since) > limit:
            wait = _minutes_until_free(kind, key, now)
            release(ids)
            db.session.commit()
            return ids, wait
    return ids, None


def claim_login(email: str, address: str, now: datetime) -> tuple[list[int], int | None]:
    """Refuse a login from an address with too many failures; otherwise ``claim`` it for the
    account and address."""
    cfg = current_app.config
    if failures_since(ADDRESS, address, _window(now)) >= cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]:
        return [], _minutes_until_free(ADDRESS, address, now)
    return claim([(ACCOUNT, account_key(email, address), cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"])],
                 now)


def record_address_failure(address: str, now: datetime) -> None:
    """Count a failed login against its address (the caller commits)."""
    db.session.add(LoginFailure(kind=ADDRESS, key=address, at=now))


def release(ids: list[int]) -> None:
    """Remove the records of an attempt that turned out not to be a failure (caller commits)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.id.in_(ids)))


def clear_account(email: str, address: str | None = None) -> None:
    """Forget an account's failures: from ``address`` after a login there, or from every
    address after a password reset (the caller commits)."""
    if address is not None:
        condition = LoginFailure.key == account_key(email, address)
    else:
        condition = LoginFailure.key.startswith(_account_prefix(email))
    db.session.execute(delete(LoginFailure).where(LoginFailure.kind == ACCOUNT, condition))


def purge_before(cutoff: datetime) -> int:
    """Delete failures older than ``cutoff`` (the caller commits); returns the count."""
    result = db.session.execute(delete(LoginFailure).where(LoginFailure.at < cutoff))
    return result.rowcount or 0
