"""Item-bank tables: imported exam packs and their items (never deleted, only retired)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talentpool.accounts.models import new_public_id
from talentpool.database import JSONType, utcnow
from talentpool.extensions import db

ACTIVE = "active"
RETIRED = "retired"


class ExamPack(db.Model):
    """The latest imported version of one pack."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int]
    title: Mapped[dict] = mapped_column(JSONType)
    description: Mapped[dict] = mapped_column(JSONType, default=dict)
    track: Mapped[str] = mapped_column(String(32), index=True)
    levels: Mapped[list] = mapped_column(JSONType)
    licence: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    asset_version: Mapped[str] = mapped_column(String(16))
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    items: Mapped[list[Item]] = relationship(back_populates="pack")


class Item(db.Model):
    """One task. ``gold`` never leaves the server before the trainee has answered."""

    __table_args__ = (
        UniqueConstraint("pack_id", "key", name="uq_item_pack_key"),
        Index("ix_item_track_status", "track", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    pack_id: Mapped[int] = mapped_column(ForeignKey("exam_pack.id", ondelete="RESTRICT"))
    key: Mapped[str] = mapped_column(String(64))
    type_id: Mapped[str] = mapped_column(String(32))
    track: Mapped[str] = mapped_column(String(32))
    prompt: Mapped[dict] = mapped_column(JSONType)
    spec: Mapped[dict] = mapped_column(JSONType)
    gold: Mapped[Any] = mapped_column(JSONType)
    explanation: Mapped[dict] = mapped_column(JSONType)
    element: Mapped[str] = mapped_column(String(32), index=True)
    tags: Mapped[list] = mapped_column(JSONType, default=list)
    thresholds: Mapped[list] = mapped_column(JSONType)
    levels: Mapped[list] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE)
    content_hash: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    pack: Mapped[ExamPack] = relationship(back_populates="items")

    @property
    def max_category(self) -> int:
        """Highest score category (the number of thresholds)."""
        return len(self.thresholds)


class AssessmentElement(db.Model):
    """An assessment-element code of the outline (认定要素), e.g. T2.1."""

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[dict] = mapped_column(JSONType)
    part: Mapped[str] = mapped_column(String(16))
