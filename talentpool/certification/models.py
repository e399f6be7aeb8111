"""Certificate tables: certificates, their holders' identity documents and photos, and the keys
that sign their credentials."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint, DateTime, Enum, ForeignKey, Index, Integer, LargeBinary, String, Text,
    UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talentpool import field_crypto
from talentpool.database import JSONType, new_public_id, utcnow
from talentpool.extensions import db
from talentpool.organisations.models import Organisation


class StoredStatus(enum.StrEnum):
    """What is stored; "expired" is derived from ``valid_until`` and the clock, never stored.

    SUPERSEDED means a newer certificate of the same level replaced this one; a higher level
    never supersedes a lower one.
    """

    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


STATUS_TYPE = Enum(
    StoredStatus, native_enum=False, length=16, create_constraint=True, name="certificate_status",
    values_callable=lambda statuses: [status.value for status in statuses],
)


class Certificate(db.Model):
    """A skill-level certificate: what the PDF shows, plus its signed credential.

    The holder's name is a snapshot taken at issue; the account may later change or go away
    (``user_id`` becomes NULL and the certificate counts as withdrawn).
    """

    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
        CheckConstraint("theory_score BETWEEN 0 AND 100", name="theory_range"),
        CheckConstraint("practical_score BETWEEN 0 AND 100", name="practical_range"),
        CheckConstraint("panel_score IS NULL OR panel_score BETWEEN 0 AND 100",
                        name="panel_range"),
        # At most one valid certificate per person and level: a renewal supersedes the old one.
        Index("uq_certificate_one_valid_per_level", "user_id", "level", unique=True,
              sqlite_where=text("status = 'valid'"), postgresql_where=text("status = 'valid'")),
        # A bit of the issuing organisation's status lists belongs to one certificate.
        UniqueConstraint("organisation_id", "status_index", name="uq_certificate_status_bit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    holder_name: Mapped[str] = mapped_column(String(80))
    level: Mapped[int] = mapped_column(Integer)
    theory_score: Mapped[int] = mapped_column(Integer)
    practical_score: Mapped[int] = mapped_column(Integer)
    panel_score: Mapped[int | None] = mapped_column(Integer)
    # The evaluation organisation that issued it (its DID signs the credential) and the name and
    # title it was issued under, kept as issued.
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_organisation.id", ondelete="RESTRICT"), index=True)
    organisation: Mapped[Organisation] = relationship()
    issuer_name: Mapped[str] = mapped_column(String(200))
    title_zh: Mapped[str] = mapped_column(String(60))
    title_en: Mapped[str] = mapped_column(String(80))
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    valid_from: Mapped[datetime] = mapped_column(DateTime)
    # None: the certificate never expires (the national certificate has no expiry date); a
    # level whose scheme sets ``validity_years`` expires.
    valid_until: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    status: Mapped[StoredStatus] = mapped_column(STATUS_TYPE, default=StoredStatus.VALID)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revocation_reason: Mapped[str | None] = mapped_column(String(500))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Suspension is temporary (an investigation, an appeal): the certificate does not count while
    # suspended, and counts again when reinstated. Revocation is final.
    suspended_at: Mapped[datetime | None] = mapped_column(DateTime)
    suspension_reason: Mapped[str | None] = mapped_column(String(500))
    suspended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificate.id", ondelete="SET NULL"))
    # Which calibration runs and standards decided each part (run and standard ids, θ̂, SE).
    decision: Mapped[dict] = mapped_column(JSONType, default=dict)
    # Bit of this certificate in its organisation's revocation and suspension status lists
    # (random, unique per organisation).
    status_index: Mapped[int | None] = mapped_column(Integer)
    # The exact signed text is kept (not JSONB, which would reorder it) and served as is.
    credential: Mapped[str] = mapped_column(Text)
    signing_kid: Mapped[str] = mapped_column(String(64), ForeignKey("signing_key.kid"))
    holder_salt: Mapped[str] = mapped_column(String(64))
    # 证书编号 assigned by the authority after the results are reported (national.py); public,
    # as on the national lookup. NULL until recorded.
    national_number: Mapped[str | None] = mapped_column(String(22), unique=True)


class HolderIdentity(db.Model):
    """The identity document (证件类型, 证件号码) a person's certificates name.

    Kept once per account, not copied into each certificate: certificates are issued when an
    exam is graded, usually before the person has entered the document, and the national number
    is matched to a person by it. The row goes with the account (ON DELETE CASCADE).

    The number is stored encrypted (``field_crypto``: AES-256-GCM, keys outside the database)
    with a blind index for matching; ``id_number`` reads and writes the plain value.
    """

    SEALED_COLUMN = "holder_identity.id_number"

    __table_args__ = (CheckConstraint(
        "id_type IN ('resident_id', 'hk_macao_permit', 'taiwan_permit', 'passport', "
        "'foreign_permanent_residence')", name="id_type_known"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    id_type: Mapped[str] = mapped_column(String(32))
    # Normalised before sealing: half-width, no spaces or dashes, upper case
    # (identity.normalise_id_number).
    id_number_sealed: Mapped[str] = mapped_column(Text)
    id_number_index: Mapped[str] = mapped_column(String(64), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def id_number(self) -> str:
        """The plain (normalised) number."""
        return field_crypto.open_sealed(self.id_number_sealed, self.SEALED_COLUMN)

    @id_number.setter
    def id_number(self, number: str) -> None:
        self.id_number_sealed = field_crypto.seal(number, self.SEALED_COLUMN)
        self.id_number_index = field_crypto.blind_index(number, self.SEALED_COLUMN)


class SigningKey(db.Model):
    """A public Ed25519 key of one organisation; its private half is a 0600 PEM file in
    ``instance/keys/``."""

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_organisation.id", ondelete="RESTRICT"), index=True)
    public_key: Mapped[str] = mapped_column(String(64))  # raw 32 bytes, base64url
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)


class PhotoState(enum.StrEnum):
    """Where a holder's photo stands in review; the value is stored and never renamed."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class HolderPhoto(db.Model):
    """A photo of the holder for the printed certificate (照片), as the holder uploaded it after
    re-encoding (``photo_image.prepare_photo``), with the reviewer's decision.

    A person has at most one photo in each state: the approved one keeps printing while a newer
    one waits for review, and a new upload replaces the waiting or refused one (``photos``).
    The rows go with the account (ON DELETE CASCADE).
    """

    __table_args__ = (UniqueConstraint("user_id", "state", name="uq_holder_photo_user_state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    state: Mapped[PhotoState] = mapped_column(Enum(
        PhotoState, native_enum=False, length=16, create_constraint=True, name="photo_state",
        values_callable=lambda states: [state.value for state in states]))
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Why the photo was refused, shown to the holder.
    reason: Mapped[str | None] = mapped_column(String(500))
