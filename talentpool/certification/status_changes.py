"""Changes of a certificate's status after issue: revocation (final), suspension and
reinstatement (reversible), and the withdrawal of a deleted account's certificates.

Each change that an office makes is one use case with one commit, written to the issuing
organisation's audit log in the same transaction, then signalled to the other domains.
Superseding by a newer certificate of the same level happens at issue (``service``).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from talentpool.certification.models import Certificate, StoredStatus
from talentpool.certification.service import (
    CertificationError, find_certificate, notify_certificate_change,
)
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.organisations.audit import record as audit


def revoke(serial: str, reason: str, actor=None, now: datetime | None = None) -> Certificate:
    """Revoke a certificate with a public reason; ``actor`` is the admin (None at the shell)."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise CertificationError(_("Give a reason of 1 to 500 characters."))
    certificate = find_certificate(serial)
    if certificate is None:
        raise CertificationError(_("No certificate has the serial %(serial)s.",
                                   serial=(serial or "")[:80]))
    if certificate.status is StoredStatus.REVOKED:
        raise CertificationError(_("Certificate %(serial)s is already revoked.",
                                   serial=certificate.serial))
    audit(certificate.organisation_id, actor, "certificate.revoke", certificate.serial,
          {"status": certificate.status.value}, {"status": "revoked", "reason": reason})
    certificate.status = StoredStatus.REVOKED
    certificate.revoked_at = (now or utcnow()).replace(microsecond=0)
    certificate.revocation_reason = reason
    certificate.revoked_by_id = getattr(actor, "id", None)
    db.session.commit()
    notify_certificate_change(certificate.user_id)
    return certificate


def suspend(serial: str, reason: str, actor=None, now: datetime | None = None) -> Certificate:
    """Suspend a valid certificate with a public reason until it is reinstated; its bit in the
    suspension status list is set. Commits."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise CertificationError(_("Give a reason of 1 to 500 characters."))
    certificate = _changeable(serial)
    if certificate.suspended_at is not None:
        raise CertificationError(_("Certificate %(serial)s is already suspended.",
                                   serial=certificate.serial))
    certificate.suspended_at = (now or utcnow()).replace(microsecond=0)
    certificate.suspension_reason = reason
    certificate.suspended_by_id = getattr(actor, "id", None)
    audit(certificate.organisation_id, actor, "certificate.suspend", certificate.serial, {},
          {"suspension_reason": reason})
    db.session.commit()
    notify_certificate_change(certificate.user_id)
    return certificate


def reinstate(serial: str, actor=None) -> Certificate:
    """Lift a suspension: the certificate counts again and its suspension bit is cleared.
    Commits."""
    certificate = _changeable(serial)
    if certificate.suspended_at is None:
        raise CertificationError(_("Certificate %(serial)s is not suspended.",
                                   serial=certificate.serial))
    audit(certificate.organisation_id, actor, "certificate.reinstate", certificate.serial,
          {"suspension_reason": certificate.suspension_reason}, {})
    certificate.suspended_at = certificate.suspension_reason = certificate.suspended_by_id = None
    db.session.commit()
    notify_certificate_change(certificate.user_id)
    return certificate


def _changeable(serial: str) -> Certificate:
    """The certificate with ``serial`` if it is still valid in store (not revoked or superseded)."""
    certificate = find_certificate(serial)
    if certificate is None:
        raise CertificationError(_("No certificate has the serial %(serial)s.",
                                   serial=(serial or "")[:80]))
    if certificate.status is not StoredStatus.VALID or certificate.user_id is None:
        raise CertificationError(_("Certificate %(serial)s is no longer valid; only a valid "
                                   "certificate can be suspended or reinstated.",
                                   serial=certificate.serial))
    return certificate


def withdraw_certificates_of(user_id: int, now: datetime | None = None) -> int:
    """Revoke a deleting account's certificates and erase the name (the caller commits)."""
    count = 0
    for certificate in db.session.scalars(select(Certificate).where(
            Certificate.user_id == user_id)):
        if certificate.status is not StoredStatus.REVOKED:
            certificate.status = StoredStatus.REVOKED
            certificate.revoked_at = (now or utcnow()).replace(microsecond=0)
            certificate.revocation_reason = "holder account deleted"
        certificate.holder_name = ""
        count += 1
    return count
