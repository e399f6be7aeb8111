"""What the public may see of a certificate, and its printable PDF.

The public record holds what the printed certificate shows (plus the revocation reason), with
the holder's name and identity number masked: no full name or number, no e-mail address, no
account id, nothing about other certificates of the holder. A verifier who knows the full name can have it confirmed
(with the last six characters of the identity number, ``holders.holder_matches``); the holder's
own export adds both back (``holder_record``).
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from flask import current_app
from PIL import Image, UnidentifiedImageError

from talentpool.certification.credential import timestamp
from talentpool.certification.did import issuer_did
from talentpool.certification.holders import identity_of, identity_record
from talentpool.certification.levels import OCCUPATION, OCCUPATION_CODE, WORK_TYPE, level
from talentpool.certification.models import Certificate
from talentpool.certification.names import mask_name
from talentpool.certification.pdf import CertificateFace, render_certificate
from talentpool.certification.photos import approved_photo
from talentpool.certification.service import (
    REVOKED, SUSPENDED, UNKNOWN, certificate_status, public_base_url,
)
from talentpool.database import utcnow

HOLDER_DELETED = "holder account deleted"
_FIELDS = ("national_number", "masked_name", "id_type", "masked_id_number", "occupation",
           "occupation_code", "work_type", "level", "level_name", "theory_score",
           "practical_score", "panel_score", "title", "issuer", "issuer_did", "issued_at",
           "valid_until", "revoked_at", "revocation_reason", "suspended_at", "suspension_reason",
           "verify_url", "credential_url")


def verify_url(serial: str) -> str:
    """Absolute address of the public verification page of ``serial`` (also outside requests)."""
    return f"{public_base_url()}/verify/{serial}"


def credential_url(serial: str) -> str:
    """Absolute address of the signed credential of ``serial``."""
    return f"{public_base_url()}/api/v1/certificates/{serial}/credential"


def _time(moment: datetime | None) -> str | None:
    return timestamp(moment) if moment else None


def status_record(requested: str, certificate: Certificate | None,
                  now: datetime | None = None) -> dict:
    """The public JSON status of a serial; unknown serials get the same keys, all null.

    ``valid_until`` is null for a certificate that never expires; ``id_type`` and
    ``masked_id_number`` are null until the holder has entered an identity document.
    """
    record: dict = {"serial": (requested or "")[:80], "status": UNKNOWN, **dict.fromkeys(_FIELDS)}
    if certificate is None:
        return record
    status, grade = certificate_status(certificate, now or utcnow()), level(certificate.level)
    document = identity_record(identity_of(certificate.user_id))
    record.update(
        id_type=document["id_type"], masked_id_number=document["id_number"],
        national_number=certificate.national_number,
        serial=certificate.serial, status=status, masked_name=mask_name(certificate.holder_name),
        occupation=OCCUPATION, occupation_code=OCCUPATION_CODE, work_type=WORK_TYPE,
        level=certificate.level, level_name={"zh": grade.zh, "en": grade.en},
        theory_score=certificate.theory_score, practical_score=certificate.practical_score,
        panel_score=certificate.panel_score, issuer=certificate.issuer_name,
        title={"zh": certificate.title_zh, "en": certificate.title_en},
        issuer_did=issuer_did(certificate.organisation), issued_at=_time(certificate.issued_at), valid_until=_time(certificate.valid_until),
        verify_url=verify_url(certificate.serial),
        credential_url=credential_url(certificate.serial))
    if status == REVOKED:
        record.update(revoked_at=_time(certificate.revoked_at),
                      revocation_reason=certificate.revocation_reason or HOLDER_DELETED)
    if status == SUSPENDED:
        record.update(suspended_at=_time(certificate.suspended_at),
                      suspension_reason=certificate.suspension_reason)
    return record


def issuer_seal(certificate: Certificate) -> bytes | None:
    """The seal image of the organisation that issued ``certificate``, or None when it has none.

    The one place a seal is looked up: the issuing organisation's own seal (checked when it was
    uploaded), else the deployment's ``CERTIFICATE_SEAL_IMAGE`` (a PNG or JPEG; a relative path
    is taken from the instance folder). An unreadable file is logged and the certificate prints
    without a seal rather than failing for its holder.
    """
    if certificate.organisation.seal_image:
        return certificate.organisation.seal_image
    setting = current_app.config.get("CERTIFICATE_SEAL_IMAGE")
    if not setting:
        return None
    path = Path(current_app.instance_path) / setting
    try:
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (OSError, UnidentifiedImageError) as error:
        current_app.logger.error("certificate seal image %s unusable: %s", path, error)
        return None
    return data


def holder_record(certificate: Certificate, now: datetime | None = None) -> dict:
    """The status record with the full name and identity number, for the holder's own copy of
    their data."""
    return {**status_record(certificate.serial, certificate, now),
            "holder_name": certificate.holder_name or None,
            "id_number": identity_record(identity_of(certificate.user_id), masked=False)[
                "id_number"]}


def certificate_pdf(certificate: Certificate, now: datetime | None = None) -> bytes:
    """The printable certificate, stamped when it is no longer valid; the identity number is
    printed masked, as on the verify page the QR code opens. The holder's approved photo is
    printed (an empty photo box before one is approved); the verify page never shows it."""
    document = identity_record(identity_of(certificate.user_id))
    face = CertificateFace(
        serial=certificate.serial, holder_name=certificate.holder_name, level=certificate.level,
        theory_score=certificate.theory_score, practical_score=certificate.practical_score,
        panel_score=certificate.panel_score, issuer_name=certificate.issuer_name,
        title={"zh": certificate.title_zh, "en": certificate.title_en},
        issued_at=certificate.issued_at, valid_until=certificate.valid_until,
        verify_url=verify_url(certificate.serial),
        status=certificate_status(certificate, now or utcnow()), seal=issuer_seal(certificate),
        national_number=certificate.national_number,
        id_type=document["id_type"]["zh"] if document["id_type"] else None,
        masked_id_number=document["id_number"], photo=approved_photo(certificate.user_id))
    return render_certificate(face)
