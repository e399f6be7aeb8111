"""Notification tables: one row per recipient and event, and each person's e-mail choice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, true
from sqlalchemy.orm import Mapped, mapped_column

from talentpool.database import JSONType, new_public_id, utcnow
from talentpool.extensions import db


class Notification(db.Model):
    """Something that happened for one person (站内信).

    Stored as its ``kind`` and the ``params`` that say it, never as text, so that it is worded
    in whatever language the reader uses when reading it (talentpool/notifications/kinds.py).
    ``link`` is a path on this site. The bell counts ``read_at IS NULL`` rows of one person on
    the (user_id, read_at) index.
    """

    __table_args__ = (
        Index("ix_notification_user_read", "user_id", "read_at"),
        Index("ix_notification_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSONType, default=dict)
    link: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)


class NotificationPreference(db.Model):
    """A person's choice about e-mail copies of notifications; no row means "on"."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    mail: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
