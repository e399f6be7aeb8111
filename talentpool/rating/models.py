"""Human-scored answers (评分): each rubric answer of a certifying sitting is one rating task,
scored blind by two or more raters (考评员) of the organisation, criterion by criterion, and
adjudicated when their totals differ by more than the scheme allows.

Rows are never deleted: the archive keeps who scored what and when. Raters see an answer by
its task's public id, never the candidate's name or account.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talentpool.database import JSONType, new_public_id, utcnow
from talentpool.extensions import db

# Rating-task states (stored, never renamed)
RATING, ADJUDICATION, FINAL = "rating", "adjudication", "final"
TASK_STATES = (RATING, ADJUDICATION, FINAL)
# How the final points were reached
BY_MEAN, BY_ADJUDICATOR = "mean", "adjudicator"
# Roles of an assignment
RATER, ADJUDICATOR = "rater", "adjudicator"


class RatingTask(db.Model):
    """One answer to one rubric task, waiting for (or holding) its final points."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("exam_response.id", ondelete="CASCADE"), unique=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("exam_attempt.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="RESTRICT"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_organisation.id", ondelete="CASCADE"), index=True)
    level: Mapped[int]
    raters_needed: Mapped[int]
    gap_allowed: Mapped[float] = mapped_column(Float)  # share of the maximum points
    state: Mapped[str] = mapped_column(String(16), default=RATING, index=True)
    final_points: Mapped[dict | None] = mapped_column(JSONType)  # criterion id → points
    final_value: Mapped[float | None] = mapped_column(Float)  # Σ points / Σ maximum
    decided_by: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime)

    assignments: Mapped[list[RatingAssignment]] = relationship(
        back_populates="task", order_by="RatingAssignment.id")


class RatingAssignment(db.Model):
    """One person's scoring of one rating task: as a rater, or as the adjudicator."""

    __table_args__ = (UniqueConstraint("task_id", "rater_id", name="uq_rating_assignment_rater"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    task_id: Mapped[int] = mapped_column(ForeignKey("rating_task.id", ondelete="CASCADE"),
                                         index=True)
    rater_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                 index=True)
    role: Mapped[str] = mapped_column(String(16), default=RATER)
    assigned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    points: Mapped[dict | None] = mapped_column(JSONType)  # criterion id → points
    comments: Mapped[dict | None] = mapped_column(JSONType)  # criterion id (or "") → text
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Withdrawn before scoring (a declared conflict, the rater's recusal): kept for the record,
    # and the rater is never drawn for this task again.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)

    task: Mapped[RatingTask] = relationship(back_populates="assignments")


class RaterConflict(db.Model):
    """A declared conflict of interest: the rater never scores this candidate's work."""

    __table_args__ = (UniqueConstraint("organisation_id", "rater_id", "candidate_id",
                                       name="uq_rater_conflict"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_organisation.id", ondelete="CASCADE"))
    rater_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AnswerFile(db.Model):
    """A file uploaded with a written answer (PDF, XLSX, CSV, PNG or JPEG, checked by content);
    the answer lists it by ``public_id``. Raters assigned to the answer may download it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("exam_attempt.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="RESTRICT"))
    filename: Mapped[str] = mapped_column(String(200))
    file_type: Mapped[str] = mapped_column(String(10))  # pdf, xlsx, csv, png, jpeg
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
