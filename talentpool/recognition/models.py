"""Recognition tables: the trust list, and certificates of other issuers a person holds
(imported signed credentials and hand-entered national certificates)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from talentpool.database import new_public_id, utcnow
from talentpool.extensions import db


class TrustEntry(db.Model):
    """An issuer this instance trusts: one DID (exact) or every did:web DID of a domain.

    ``levels`` lists the levels (comma-separated, e.g. ``3,4,5``) a credential of this issuer
    may count as; empty means "display only". ``foreign_level`` is the level an Open Badges
    credential that states no talentpool level counts as (None: it counts as none).
    """

    __table_args__ = (
        CheckConstraint("kind IN ('did', 'domain')", name="kind_known"),
        CheckConstraint("foreign_level IS NULL OR foreign_level BETWEEN 1 AND 5",
                        name="foreign_level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    levels: Mapped[str] = mapped_column(String(16), default="")
    foreign_level: Mapped[int | None] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Source(enum.StrEnum):
    """Where a recognition came from; stored, never renamed."""

    CREDENTIAL = "credential"  # an imported signed credential, verified by machine
    NATIONAL = "national"  # a national certificate entered by hand, reviewed by staff


class State(enum.StrEnum):
    """A recognition's state; only ACCEPTED counts."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    EXPIRED = "expired"


class Recognition(db.Model):
    """A certificate of another issuer that a person holds, and what it counts as here.

    ``level`` is the level it counts as (None: shown, but counts for nothing). For an imported
    credential the exact text is kept as received; ``fingerprint`` (the credential's id, or the
    SHA-256 of its text) stops the same credential from being imported twice.
    """

    __table_args__ = (
        UniqueConstraint("user_id", "fingerprint", name="uq_recognition_user_fingerprint"),
        CheckConstraint("level IS NULL OR level BETWEEN 1 AND 5", name="level_range"),
        CheckConstraint("stated_level IS NULL OR stated_level BETWEEN 1 AND 5",
                        name="stated_level_range"),
        CheckConstraint("source IN ('credential', 'national')", name="source_known"),
        CheckConstraint("state IN ('pending', 'accepted', 'rejected', 'revoked', 'suspended', "
                        "'expired')", name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    fingerprint: Mapped[str] = mapped_column(String(300))
    issuer_did: Mapped[str | None] = mapped_column(String(300))
    issuer_name: Mapped[str] = mapped_column(String(200))
    achievement_name: Mapped[str] = mapped_column(String(300))
    stated_level: Mapped[int | None] = mapped_column(Integer)
    level: Mapped[int | None] = mapped_column(Integer)
    credential: Mapped[str | None] = deferred(mapped_column(Text))
    valid_until: Mapped[datetime | None] = mapped_column(DateTime)
    verified_how: Mapped[str] = mapped_column(String(500), default="")
    checked_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # A hand-entered national certificate (source "national").
    kind: Mapped[str | None] = mapped_column(String(16))
    number: Mapped[str | None] = mapped_column(String(40))
    occupation: Mapped[str | None] = mapped_column(String(120))
    issued_on: Mapped[date | None] = mapped_column(Date)
    scan: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    scan_type: Mapped[str | None] = mapped_column(String(32))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    rejection_reason: Mapped[str | None] = mapped_column(String(500))
