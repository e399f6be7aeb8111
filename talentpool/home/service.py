"""The database health probe."""

from __future__ import annotations

from sqlalchemy import text

from talentpool.extensions import db


def database_ok() -> bool:
    """True when a trivial query succeeds."""
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        db.session.rollback()
        return False
