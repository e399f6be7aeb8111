"""Archive bundles of sittings, kept for the retention period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from talentpool.database import utcnow
from talentpool.extensions import db


class ArchiveBundle(db.Model):
    """A sealed record of one sitting (ZIP with a signed manifest), as it stood when made.

    A sitting may be archived again later (after appeals or national numbers); every bundle
    is kept until ``retain_until``.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_organisation.id", ondelete="RESTRICT"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_session.id", ondelete="RESTRICT"),
                                            index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    retain_until: Mapped[datetime] = mapped_column(DateTime)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
