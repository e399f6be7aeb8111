"""Certificate use cases: issue, renew, revoke, look up, verify, rotate the signing key.

Each public function that changes data is one use case and commits once. Whether a
certificate has expired is derived from ``valid_until`` and the server clock, never stored;
a certificate without ``valid_until`` never expires.
"""

from __future__ import annotations

import json
import math
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError

from talentpool.certification import keys, status_list
from talentpool.certification.credential import (
    certificate_facts, check_signature, credential_text, is_credential,
)
from talentpool.certification.did import issuer_did
from talentpool.certification.levels import PANEL_LEVELS
from talentpool.certification.models import Certificate, SigningKey, StoredStatus
from talentpool.certification.serials import new_serial, normalise_serial
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.organisations import service as organisations
from talentpool.organisations.models import Organisation
from talentpool.urls import public_base_url  # noqa: F401  (the certificate domain's callers)

VALID, EXPIRED, REVOKED, SUPERSEDED = "valid", "expired", "revoked", "superseded"
SUSPENDED = "suspended"
UNKNOWN, TAMPERED, NOT_A_CREDENTIAL = "unknown", "tampered", "not_a_credential"
# Looked up when a serial is malformed, so a made-up serial costs the same query as a real one.
_NO_SERIAL = "TP-0000"


class CertificationError(Exception):
    """A use case refused; ``str(error)`` is a translated message for the person."""


@dataclass(frozen=True)
class VerificationResult:
    """What a verifier learns from an uploaded credential."""

    signature: str  # valid, invalid, missing, unsupported
    key: str  # active, retired, unknown
    status: str  # valid, suspended, expired, revoked, superseded, unknown, tampered,
    # not_a_credential
    kid: str | None = None
    certificate: Certificate | None = None

    @property
    def verified(self) -> bool:
        """True when the signature holds and the certificate is currently valid."""
        return self.signature == VALID and self.status == VALID


def notify_certificate_change(user_id: int | None) -> None:
    """Tell the other domains, after the commit, that a person's certificates changed."""
    if user_id is not None:
        from talentpool.signals import certificate_changed, send_after_commit

        send_after_commit(certificate_changed, user_id=user_id)


def issuer(slug: str) -> Organisation | None:
    """The evaluation organisation that issues under ``slug`` (its DID's last part), or None."""
    return organisations.by_slug(slug)


def default_issuer() -> Organisation:
    """The organisation that issues when no sitting names one (``organisations`` decides)."""
    return organisations.default_organisation()


def add_years(moment: datetime, years: int) -> datetime:
    """``moment`` plus whole calendar years; 29 February becomes 28 February."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def _checked_score(value: float | int | None, problem: str) -> int:
    """``value`` rounded half up to a whole score, or CertificationError(problem) if not 0–100."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise CertificationError(problem)
    return math.floor(value + 0.5)


def issue_certificate(user, level: int, theory_score: float, practical_score: float,
                      panel_score: float | None = None, now: datetime | None = None,
                      valid_years: int | None = None,
                      organisation: Organisation | None = None) -> Certificate:
    """Issue a signed certificate; an older valid one of the same level is superseded. Commits.

    ``valid_years`` is the scheme's validity period of the level; None (the default) means the
    certificate never expires. ``organisation`` issues it (default: the default organisation).
    """
    certificate = add_certificate(user, level, theory_score, practical_score, panel_score, now,
                                  valid_years, organisation=organisation)
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent issue for the same person and level won the race
        db.session.rollback()
        raise CertificationError(_("A certificate of this level was issued at the same moment. "
                                   "Reload to see it.")) from None
    notify_certificate_change(user.id)
    return certificate


def add_certificate(user, level: int, theory_score: float, practical_score: float,
                    panel_score: float | None = None, now: datetime | None = None,
                    valid_years: int | None = None, decision: dict | None = None,
                    organisation: Organisation | None = None) -> Certificate:
    """Check, sign and add a certificate to the session (the caller commits).

    For a use case that records the exam result and the certificate in one transaction. The
    certificate is issued in ``organisation``'s name (default: the default organisation), under
    the national title only when its registration covers the level.
    """
    if isinstance(level, bool) or level not in (1, 2, 3, 4, 5):
        raise CertificationError(_("The level must be 1, 2, 3, 4 or 5."))
    if level in PANEL_LEVELS and panel_score is None:
        raise CertificationError(_("Levels 2 and 1 need a panel review score."))
    theory = _checked_score(theory_score, _("The theory score must be from 0 to 100."))
    practical = _checked_score(practical_score, _("The practical score must be from 0 to 100."))
    panel = None if panel_score is None else _checked_score(
        panel_score, _("The panel review score must be from 0 to 100."))
    if valid_years is not None and (isinstance(valid_years, bool) or not isinstance(
            valid_years, int) or not 1 <= valid_years <= 50):
        raise CertificationError(_("The validity period must be 1 to 50 years."))
    now = (now or utcnow()).replace(microsecond=0)
    organisation = organisation or organisations.default_organisation()
    title = organisations.certificate_title(organisation, level)
    older = db.session.scalars(select(Certificate).where(
        Certificate.user_id == user.id, Certificate.level == level,
        Certificate.status == StoredStatus.VALID).with_for_update()).all()
    for certificate in older:
        certificate.status = StoredStatus.SUPERSEDED
    db.session.flush()
    salt = secrets.token_hex(16)
    certificate = Certificate(
        serial=new_serial(), user_id=user.id, holder_name=user.display_name, level=level,
        theory_score=theory, practical_score=practical, panel_score=panel,
        organisation=organisation, issuer_name=organisation.name, title_zh=title["zh"],
        title_en=title["en"], issued_at=now, valid_from=now,
        valid_until=None if valid_years is None else add_years(now, valid_years),
        status=StoredStatus.VALID, holder_salt=salt, decision=decision or {})
    [certificate.status_index] = status_list.free_indexes(1, organisation.id)
    certificate.signing_kid, certificate.credential = signed_credential(certificate, user.email,
                                                                        now)
    db.session.add(certificate)
    try:
        db.session.flush()
    except IntegrityError:  # a concurrent issue for the same person and level won the race
        db.session.rollback()
        raise CertificationError(_("A certificate of this level was issued at the same moment. "
                                   "Reload to see it.")) from None
    for old in older:
        old.superseded_by_id = certificate.id
    db.session.flush()
    return certificate


def signed_credential(certificate: Certificate, email: str, now: datetime) -> tuple[str, str]:
    """(key id, credential text) of ``certificate``, signed now by its organisation's signing
    key (no commit).

    Seeding (``directory.seed``) builds the same text from the same two pure steps,
    ``credential.certificate_facts`` and ``credential.credential_text``, with the key looked up
    once per chunk and the signing spread over worker processes.
    """
    organisation = certificate.organisation
    kid, private_key = keys.signing_key(now, organisation.id)
    issuer = issuer_did(organisation)
    facts = certificate_facts(certificate, email, issuer, organisation.slug, public_base_url())
    return kid, credential_text(facts, f"{issuer}#{kid}", private_key, now)


def find_certificate(serial: str) -> Certificate | None:
    """The certificate with this serial (any case, with or without dashes), or None."""
    normalised = normalise_serial(serial)
    found = db.session.scalar(select(Certificate).where(
        Certificate.serial == (normalised or _NO_SERIAL)))
    return found if normalised else None


def certificate_status(certificate: Certificate, now: datetime | None = None) -> str:
    """valid, suspended, expired, revoked or superseded, by the server clock.

    A certificate whose account was deleted counts as revoked (withdrawn); one without
    ``valid_until`` never expires. Only a newer certificate of the same level supersedes.
    A suspended certificate reads suspended until it is reinstated (or revoked).
    """
    if certificate.status is StoredStatus.REVOKED or certificate.user_id is None:
        return REVOKED
    if certificate.status is StoredStatus.SUPERSEDED:
        return SUPERSEDED
    if certificate.suspended_at is not None:
        return SUSPENDED
    if certificate.valid_until is not None and (now or utcnow()) >= certificate.valid_until:
        return EXPIRED
    return VALID


def certificates_of(user_id: int) -> list[Certificate]:
    """A person's certificates, newest first."""
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)
                                   .order_by(Certificate.issued_at.desc(), Certificate.id.desc())))


def valid_certificates_of(user_id: int, now: datetime | None = None) -> list[Certificate]:
    """A person's currently valid certificates, newest first: not revoked, not replaced by a
    newer one of the same level, not expired (a certificate without expiry date never is)."""
    now = now or utcnow()
    return [c for c in certificates_of(user_id) if certificate_status(c, now) == VALID]


def certificates_query(search: str | None = None, level: int | None = None) -> Select:
    """Certificates newest first; those whose serial or holder name contains ``search`` (a
    serial typed in any case, with or without dashes, too) and of ``level`` when given."""
    query = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    search = (search or "").strip()[:80]
    if search:
        query = query.where(or_(Certificate.serial == normalise_serial(search),
                                Certificate.serial.icontains(search, autoescape=True),
                                Certificate.holder_name.icontains(search, autoescape=True)))
    return query.where(Certificate.level == level) if level else query


def list_certificates(search: str | None = None, limit: int = 200) -> list[Certificate]:
    """The newest ``limit`` certificates matching ``search`` (the command line's list)."""
    return list(db.session.scalars(certificates_query(search).limit(limit)))


def credential_document(certificate: Certificate) -> dict:
    """The signed credential of a certificate, as issued."""
    return json.loads(certificate.credential)


def _serial_of(document: dict) -> str | None:
    """The serial in the credential's ``id`` (``<site>/verify/<serial>``)."""
    target = document.get("id")
    return target.rstrip("/").rpartition("/")[2] if isinstance(target, str) else None


def verify_credential(document: dict, now: datetime | None = None) -> VerificationResult:
    """Check an uploaded credential: signature, signing key and the certificate's status.

    JSON that does not claim to be a verifiable credential is ``not_a_credential``, not
    ``tampered``.
    """
    if not is_credential(document):
        return VerificationResult("missing", "unknown", NOT_A_CREDENTIAL)
    rows: dict[str, SigningKey] = {}
    by_did = {issuer_did(organisation): organisation
              for organisation in organisations.organisations()}

    def find_key(method: str):
        did, _hash, kid = method.partition("#")
        organisation = by_did.get(did)
        if organisation is None:
            return None
        found = keys.public_key(kid, organisation.id)
        if found is None:
            return None
        rows[kid] = found[1]
        return found[0]

    check = check_signature(document, find_key)
    row = rows.get(check.kid or "")
    key_state = "unknown" if row is None else ("retired" if row.retired_at else "active")
    if check.signature != VALID:
        return VerificationResult(check.signature, key_state, TAMPERED, check.kid)
    certificate = find_certificate(_serial_of(document) or "")
    if certificate is None or row is None or certificate.organisation_id != row.organisation_id:
        return VerificationResult(VALID, key_state, UNKNOWN, check.kid)
    return VerificationResult(VALID, key_state, certificate_status(certificate, now), check.kid,
                              certificate)


def rotate_signing_key(now: datetime | None = None,
                       organisation: Organisation | None = None) -> SigningKey:
    """Retire the organisation's signing key(s) and create a new one (default: the default
    organisation); old credentials keep verifying. Commits."""
    now = (now or utcnow()).replace(microsecond=0)
    organisation = organisation or organisations.default_organisation()
    keys.retire_active_keys(now, organisation.id)
    row = keys.add_signing_key(now, organisation.id)
    db.session.commit()
    return row
