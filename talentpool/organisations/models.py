"""Evaluation organisations, the people appointed to their assessment office, and the office's
audit log."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint, DateTime, Enum, ForeignKey, Index, LargeBinary, String, UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from talentpool.database import JSONType, utcnow
from talentpool.extensions import db


class Organisation(db.Model):
    """An evaluation organisation (评价机构) hosted on this instance.

    ``slug`` names it in URLs and in its DID (``did:web:<site>:issuers:<slug>``) and is never
    changed once it has issued. ``registered_levels`` is its registration (备案) scope for the
    occupation and work type this product certifies (人工智能训练师 · 数据标注员); a level outside it
    is certified under ``other_title_*``, which must not claim to be a national certificate.
    """

    __tablename__ = "evaluation_organisation"
    __table_args__ = (CheckConstraint("slug <> ''", name="slug_present"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))  # registered name, as on its certificates
    name_en: Mapped[str] = mapped_column(String(200), default="")
    code: Mapped[str] = mapped_column(String(40), default="")  # 机构代码 / 统一社会信用代码
    registration_number: Mapped[str] = mapped_column(String(60), default="")  # 备案编号
    registered_levels: Mapped[list] = mapped_column(JSONType, default=list)
    other_title_zh: Mapped[str] = mapped_column(String(60))
    other_title_en: Mapped[str] = mapped_column(String(80))
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    seal_image: Mapped[bytes | None] = mapped_column(LargeBinary)  # PNG or JPEG, checked
    # Published results may be appealed for this many days (0: certificates follow publication
    # at once); the results may also be published as a public list with masked identities.
    appeal_window_days: Mapped[int] = mapped_column(default=7, server_default="7")
    public_results: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class OfficeRole(enum.StrEnum):
    """A role in an organisation's assessment office (考务); the value is stored, never renamed."""

    OFFICE_ADMIN = "office_admin"  # 考务管理员: runs the office, appoints the others
    RATER = "rater"  # 考评员
    PROCTOR = "proctor"  # 监考员
    SUPERVISOR = "supervisor"  # 督导员
    PANEL_MEMBER = "panel_member"  # 评审专家 (综合评审)


OFFICE_ROLE_TYPE = Enum(
    OfficeRole, native_enum=False, length=16, create_constraint=True, name="office_role",
    values_callable=lambda roles: [role.value for role in roles])


class OrganisationMember(db.Model):
    """A person appointed to a role in an organisation; one person may hold several roles in
    several organisations."""

    __table_args__ = (UniqueConstraint("organisation_id", "user_id", "role",
                                       name="uq_organisation_member_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_organisation.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[OfficeRole] = mapped_column(OFFICE_ROLE_TYPE)
    appointed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    appointed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(db.Model):
    """One office action, or with no organisation a site-wide one (an administrator disabling an
    account): who (a name snapshot survives the account), when, what, on which record, and the
    values before and after. Written in the action's own transaction."""

    __table_args__ = (Index("ix_audit_entry_organisation_at", "organisation_id", "at"),
                      Index("ix_audit_entry_subject_at", "subject", "at"),
                      Index("ix_audit_entry_actor_id_at", "actor_id", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("evaluation_organisation.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(120))  # "name <e-mail>", or "shell"
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(120))
    before: Mapped[dict] = mapped_column(JSONType, default=dict)
    after: Mapped[dict] = mapped_column(JSONType, default=dict)


class ComplaintState(enum.StrEnum):
    """Where a complaint stands; the value is stored, never renamed."""

    RECEIVED = "received"
    INVESTIGATING = "investigating"
    ANSWERED = "answered"


COMPLAINT_STATE_TYPE = Enum(
    ComplaintState, native_enum=False, length=16, create_constraint=True,
    name="complaint_state", values_callable=lambda states: [state.value for state in states])


class Complaint(db.Model):
    """A complaint to an organisation (ISO/IEC 17024 9.9): about a certificate holder, about the
    organisation or about the certification process; recorded, investigated and answered."""

    __table_args__ = (CheckConstraint(
        "about IN ('holder', 'organisation', 'process')", name="about_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_organisation.id", ondelete="CASCADE"), index=True)
    complainant_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    about: Mapped[str] = mapped_column(String(16))
    certificate_serial: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(4000))
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    state: Mapped[ComplaintState] = mapped_column(COMPLAINT_STATE_TYPE,
                                                  default=ComplaintState.RECEIVED)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    answer: Mapped[str | None] = mapped_column(String(4000))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
