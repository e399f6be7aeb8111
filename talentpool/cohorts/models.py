"""Cohorts tables: institutions, their staff, cohorts with a training plan, enrolments."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talentpool.accounts.models import User
from talentpool.database import JSONType, new_public_id, utcnow
from talentpool.extensions import db

INSTITUTION_ADMIN = "admin"
INSTRUCTOR = "instructor"
STAFF_ROLES = (INSTITUTION_ADMIN, INSTRUCTOR)


def new_join_code() -> str:
    """The random part of a cohort's open join link."""
    return secrets.token_urlsafe(16)


class Institution(db.Model):
    """A training base, school or training-evaluation organisation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    members: Mapped[list[InstitutionMember]] = relationship(back_populates="institution")


class InstitutionMember(db.Model):
    """A staff account's role inside one institution (admin or instructor).

    ``user_id`` is empty while the named person has not accepted the account invitation;
    the row is then matched by ``email`` and claimed on the first visit.
    """

    __table_args__ = (UniqueConstraint("institution_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("institution.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    institution: Mapped[Institution] = relationship(back_populates="members")
    user: Mapped[User | None] = relationship()


class Cohort(db.Model):
    """A group of trainees run by one institution, with its training plan.

    The plan is the target level, the tracks with a practice quota each
    (``quotas``: track id → items) and the period from ``starts_on`` to ``deadline``.
    """

    __table_args__ = (Index("ix_cohort_institution_archived", "institution_id", "archived_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    target_level: Mapped[int] = mapped_column(default=5)
    quotas: Mapped[dict] = mapped_column(JSONType, default=dict)
    starts_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    join_code: Mapped[str] = mapped_column(String(32), unique=True, default=new_join_code)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    left_count: Mapped[int] = mapped_column(default=0, server_default="0")  # trainees who left

    institution: Mapped[Institution] = relationship()
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="cohort",
                                                       order_by="Enrolment.name")

    @property
    def tracks(self) -> list[str]:
        return list(self.quotas)


class Enrolment(db.Model):
    """A trainee (or a person invited to become one) in a cohort.

    A roster row for someone without an account carries a personal, expiring link
    (only its SHA-256 is stored) that creates the trainee account on acceptance.
    """

    __table_args__ = (UniqueConstraint("cohort_id", "email"),
                      Index("ix_enrolment_user_cohort", "user_id", "cohort_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(32))
    region: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    joined_at: Mapped[datetime | None] = mapped_column(DateTime)

    cohort: Mapped[Cohort] = relationship(back_populates="enrolments")
    user: Mapped[User | None] = relationship()
