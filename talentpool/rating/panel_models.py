"""Panel reviews (综合评审) of levels 2 and 1: the panel appointed to a plan, the candidate's
work summary, and each candidate's hearing with its seated members, defence record and
independent scores.

Rows are never deleted once a hearing has used them: the archive keeps who sat, who scored
what, what was asked at the defence and how the panel decided.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talentpool.accounts.models import User
from talentpool.database import JSONType, new_public_id, utcnow
from talentpool.extensions import db

# Hearing states (stored, never renamed)
SEATING = "seating"  # fewer members without a conflict than the scheme seats
OPEN = "open"  # seated: defence, then each member's scores
DECIDED = "decided"
HEARING_STATES = (SEATING, OPEN, DECIDED)


class PanelMember(db.Model):
    """A panel member (评审专家) of the organisation appointed to the panel of one plan."""

    __table_args__ = (UniqueConstraint("plan_id", "user_id", name="uq_panel_member_plan_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("assessment_plan.id", ondelete="CASCADE"),
                                         index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    appointed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                   ondelete="SET NULL"))
    appointed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class WorkSummary(db.Model):
    """The candidate's work summary or paper (工作总结/论文) for a level 2 or 1 registration,
    handed in before the sitting opens; what the panel reads."""

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)  # Markdown, sanitised when shown
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    files: Mapped[list[WorkSummaryFile]] = relationship(
        back_populates="summary", cascade="all, delete-orphan", order_by="WorkSummaryFile.id")


class WorkSummaryFile(db.Model):
    """A PDF handed in with a work summary (checked by content)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    summary_id: Mapped[int] = mapped_column(ForeignKey("work_summary.id", ondelete="CASCADE"),
                                            index=True)
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    summary: Mapped[WorkSummary] = relationship(back_populates="files")


class PanelHearing(db.Model):
    """One candidate's panel review: opened when a level 2 or 1 attempt has passed both parts,
    with the scheme's rule as it stood then (``rule``: members, pass mark, decision rule and
    rubric)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempt.id", ondelete="CASCADE"),
                                            unique=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("assessment_plan.id", ondelete="RESTRICT"),
                                         index=True)
    state: Mapped[str] = mapped_column(String(16), default=SEATING, index=True)
    rule: Mapped[dict] = mapped_column(JSONType)
    # The defence (答辩), recorded by the chair: [{"question", "answer"}], and notes
    defence_questions: Mapped[list | None] = mapped_column(JSONType)
    defence_notes: Mapped[str | None] = mapped_column(Text)
    defence_held_at: Mapped[datetime | None] = mapped_column(DateTime)
    defence_recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    panel_score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    seats: Mapped[list[PanelSeat]] = relationship(back_populates="hearing",
                                                  order_by="PanelSeat.id")


class PanelSeat(db.Model):
    """A member seated on one hearing, and their own scores, given without seeing the others'.

    A seat withdrawn before scoring (a declared conflict, recusal, dismissal) is kept for the
    record, and that member is never seated on the hearing again."""

    __table_args__ = (UniqueConstraint("hearing_id", "member_id", name="uq_panel_seat_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("panel_hearing.id", ondelete="CASCADE"),
                                            index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                  index=True)
    seated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    points: Mapped[dict | None] = mapped_column(JSONType)  # criterion id → points
    comments: Mapped[dict | None] = mapped_column(JSONType)  # criterion id (or "") → text
    total: Mapped[float | None] = mapped_column(Float)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(String(16))

    hearing: Mapped[PanelHearing] = relationship(back_populates="seats")
    member: Mapped[User | None] = relationship(foreign_keys=[member_id])
