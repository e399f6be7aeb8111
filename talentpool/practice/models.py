"""Practice responses: every answer a trainee submitted, with its score."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Float, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talentpool.assessment.models import Item
from talentpool.database import JSONType, new_public_id, utcnow
from talentpool.extensions import db


class Response(db.Model):
    """One scored answer to one item (practice now; exams reuse the shape).

    ``retry`` marks an answer given again right after the feedback on the same item (see
    ``service.is_retry``): it is kept and shown with its feedback, but it is not an
    independent response, so it never counts for the skill estimate, mastery or progress.
    """

    __table_args__ = (Index("ix_response_user_item", "user_id", "item_id"),
                      Index("ix_response_user_track_at", "user_id", "track", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="RESTRICT"), index=True)
    item_revision: Mapped[int]
    track: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str] = mapped_column(String(16), default="practice")
    answer: Mapped[Any] = mapped_column(JSONType)
    score: Mapped[float] = mapped_column(Float)
    category: Mapped[int]
    max_category: Mapped[int]
    feedback: Mapped[dict] = mapped_column(JSONType)
    duration_ms: Mapped[int | None]
    retry: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    item: Mapped[Item] = relationship()


class SkillEstimate(db.Model):
    """A trainee's skill in one track at one moment: θ, its SE and the 0–100 report score.

    A row is added whenever the estimate is recomputed, so the history can be charted.
    ``provisional`` marks estimates made with uncalibrated (prior) item parameters.
    """

    __table_args__ = (Index("ix_skill_estimate_user_track_at", "user_id", "track", "computed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    track: Mapped[str] = mapped_column(String(32))
    theta: Mapped[float] = mapped_column(Float)
    se: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    score_se: Mapped[float] = mapped_column(Float)
    n_items: Mapped[int]
    provisional: Mapped[bool]
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("calibration_run.id", ondelete="SET NULL"))
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
