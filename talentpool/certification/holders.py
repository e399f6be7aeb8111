"""Use cases about the holder's identity document: record it, read it, show it, check it.

The full number is for the holder and administrators only; public pages and the public JSON
show it masked (``identity.mask_id_number``), and a verifier may only have its last six
characters confirmed together with the full name.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from talentpool.certification import identity
from talentpool.certification.models import Certificate, HolderIdentity
from talentpool.certification.names import names_match
from talentpool.certification.service import CertificationError
from talentpool import field_crypto
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.organisations.audit import record as audit


def id_number_message(problem: str) -> str:
    """A translated sentence for an ``identity.id_number_problem`` code."""
    return {
        identity.UNKNOWN_TYPE: _("Choose the type of identity document."),
        identity.RESIDENT_SHAPE: _("A resident identity card number has 18 characters: 17 "
                                   "digits and a digit or X."),
        identity.RESIDENT_DATE: _("The date of birth in this identity card number is not a "
                                  "real date."),
        identity.RESIDENT_CHECK: _("The last character does not fit the other 17 (check "
                                   "digit); check the number for typing errors."),
        identity.OTHER_SHAPE: _("The document number has 5 to 20 letters or digits."),
    }[problem]


def identity_of(user_id: int | None) -> HolderIdentity | None:
    """The person's identity document, or None when they have not entered one."""
    return None if user_id is None else db.session.get(HolderIdentity, user_id)


def set_identity(user, id_type: str, id_number: str) -> HolderIdentity:
    """Record or change the person's identity document (validated, normalised). Commits.

    Once a certificate of the person has a national number, the authority's register binds it
    to this document, so the person can no longer change it here.
    """
    number = identity.normalise_id_number(id_number)
    problem = identity.id_number_problem(id_type, number)
    if problem:
        raise CertificationError(id_number_message(problem))
    row = identity_of(user.id)
    if row is not None and (row.id_type, row.id_number) != (id_type, number) and db.session.scalar(
            select(Certificate.id).where(Certificate.user_id == user.id,
                                         Certificate.national_number.is_not(None)).limit(1)):
        raise CertificationError(_("A certificate of yours has a national number, which the "
                                   "authority registered with this document, so it can no "
                                   "longer be changed here."))
    if row is None:
        row = HolderIdentity(user_id=user.id)
        db.session.add(row)
    row.id_type, row.id_number, row.updated_at = id_type, number, utcnow()
    db.session.commit()
    return row


def identity_record(row: HolderIdentity | None, masked: bool = True) -> dict:
    """``id_type`` ({code, zh, en}) and ``id_number`` (masked unless ``masked`` is False);
    both None when there is no document."""
    if row is None:
        return {"id_type": None, "id_number": None}
    kind = identity.ID_TYPES[row.id_type]
    return {"id_type": {"code": kind.code, "zh": kind.zh, "en": kind.en},
            "id_number": identity.mask_id_number(row.id_number) if masked else row.id_number}


def unmasked_identity(certificate: Certificate, actor) -> dict:
    """The holder's identity document in full, for an administrator's review; the view is
    written to the issuing organisation's audit log. Commits."""
    record = identity_record(identity_of(certificate.user_id), masked=False)
    if record["id_number"] is not None:
        audit(certificate.organisation_id, actor, "identity.view", certificate.serial,
              after={"id_type": record["id_type"]["code"]})
        db.session.commit()
    return record


def reseal_identities(batch: int = 500) -> int:
    """Encrypt every stored identity number again with the current field key (after a new key
    was put first in ``FIELD_ENCRYPTION_KEYS``); commits per batch. The number re-sealed."""
    return field_crypto.reseal_rows(db.session, HolderIdentity, HolderIdentity.user_id,
                                    "id_number_sealed", "id_number", batch)


def holder_matches(certificate: Certificate, typed_name: str, id_last6: str | None) -> bool:
    """Whether a verifier's typed full name (and, when given, the last six characters of the
    identity number) are the holder's: both must match."""
    name_ok = names_match(typed_name, certificate.holder_name)
    if not (id_last6 or "").strip():
        return name_ok
    row = identity_of(certificate.user_id)
    id_ok = identity.last_six_match(id_last6, row.id_number if row else None)
    return name_ok and id_ok

