"""The assessment office's records: plans (认定计划) and their registrations (报名) with eligibility
evidence, seats and admission tickets, check-in, proctor logs, appeals (复核) and archive bundles.

A sitting is an ``ExamSession`` with a ``plan_id``: it is proctored, an attempt starts only after
check-in, and its certificates are issued when its results' appeal window closes. A session
without a plan is a self-paced mock exam that never issues a certificate.

Records that the archive must keep survive the candidate's account: the registration keeps the
name it was made under, and its ``user_id`` is set to NULL when the account is deleted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talentpool import field_crypto
from talentpool.database import new_public_id, utcnow
from talentpool.extensions import db

# Registration states (stored, never renamed)
SUBMITTED = "submitted"  # waiting for review
MORE_REQUESTED = "more_requested"  # the reviewer asked for more evidence
APPROVED = "approved"  # on the approved roster (审核名册)
REJECTED = "rejected"
WITHDRAWN = "withdrawn"  # by the candidate, before the sitting
REGISTRATION_STATES = (SUBMITTED, MORE_REQUESTED, APPROVED, REJECTED, WITHDRAWN)

# Attendance marked by the proctor at check-in
PRESENT, ABSENT, IRREGULAR = "present", "absent", "irregular"
ATTENDANCE = (PRESENT, ABSENT, IRREGULAR)

# Proctor log entries
INCIDENT, EXTENSION, TERMINATION, SIGN_OFF = "incident", "extension", "termination", "sign_off"
LOG_KINDS = (INCIDENT, EXTENSION, TERMINATION, SIGN_OFF)

# Appeals
APPEAL_OPEN, APPEAL_DECIDED = "open", "decided"
APPEAL_PARTS = ("theory", "practical", "panel")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Plan(db.Model):
    """An assessment plan (认定计划) of one organisation, level and batch (批次): the window in
    which candidates register, and the sittings (``ExamSession.plan_id``) they are seated in."""

    __tablename__ = "assessment_plan"
    __table_args__ = (UniqueConstraint("organisation_id", "batch", "level",
                                       name="uq_assessment_plan_batch_level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_organisation.id", ondelete="RESTRICT"), index=True)
    level: Mapped[int]
    title: Mapped[str] = mapped_column(String(120))
    batch: Mapped[str] = mapped_column(String(40))  # e.g. 2026-04
    registration_opens_at: Mapped[datetime] = mapped_column(DateTime)
    registration_closes_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Registration(db.Model):
    """A candidate's registration (报名) for a plan: the eligibility route and evidence, the
    review, and — once approved — the sitting, seat, admission ticket (准考证) and attendance.

    The real name is stored encrypted (``field_crypto``, like identity numbers);
    ``candidate_name`` reads and writes the plain value.
    """

    SEALED_COLUMN = "registration.candidate_name"

    __table_args__ = (
        UniqueConstraint("plan_id", "user_id", name="uq_registration_plan_user"),
        UniqueConstraint("sitting_id", "seat", name="uq_registration_sitting_seat"),
        CheckConstraint(_in("state", REGISTRATION_STATES), name="state_known"),
        CheckConstraint(f"attendance IS NULL OR {_in('attendance', ATTENDANCE)}",
                        name="attendance_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    plan_id: Mapped[int] = mapped_column(ForeignKey("assessment_plan.id", ondelete="RESTRICT"),
                                         index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                index=True)
    candidate_name_sealed: Mapped[str] = mapped_column(Text)  # real name, as on the ID document
    route: Mapped[str] = mapped_column(String(40))  # an eligibility route id of the scheme
    statement: Mapped[str] = mapped_column(Text, default="")  # the candidate's account of it
    state: Mapped[str] = mapped_column(String(16), default=SUBMITTED)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    review_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    sitting_id: Mapped[int | None] = mapped_column(
        ForeignKey("exam_session.id", ondelete="RESTRICT"), index=True)
    seat: Mapped[str | None] = mapped_column(String(16))
    ticket_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    attendance: Mapped[str | None] = mapped_column(String(16))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))

    @property
    def candidate_name(self) -> str:
        return field_crypto.open_sealed(self.candidate_name_sealed, self.SEALED_COLUMN)

    @candidate_name.setter
    def candidate_name(self, name: str) -> None:
        self.candidate_name_sealed = field_crypto.seal(name, self.SEALED_COLUMN)

    plan: Mapped[Plan] = relationship()
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="Evidence.id")


class Evidence(db.Model):
    """A file of eligibility evidence (PDF, PNG or JPEG; type and size checked on upload)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="evidence")


class ProctorLogEntry(db.Model):
    """A line of a sitting's proctor log (考场记录): an incident, a time extension (``minutes``,
    with the reason in ``note``), a termination, or the supervisor's sign-off, which closes the
    log."""

    __table_args__ = (CheckConstraint(_in("kind", LOG_KINDS), name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_session.id", ondelete="RESTRICT"),
                                            index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(120))  # name snapshot, survives the account
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Appeal(db.Model):
    """A request to re-score one part of a published result (复核), decided by a rater other than
    the one who scored it; the certificate waits while it is open."""

    __table_args__ = (
        CheckConstraint(_in("part", APPEAL_PARTS), name="part_known"),
        CheckConstraint(_in("state", (APPEAL_OPEN, APPEAL_DECIDED)), name="state_known"),
        UniqueConstraint("attempt_id", "part", name="uq_appeal_attempt_part"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempt.id", ondelete="RESTRICT"),
                                            index=True)
    part: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default=APPEAL_OPEN)
    rater_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    score_before: Mapped[float | None]
    score_after: Mapped[float | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)


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
