"""What an evaluation organisation must keep about a person, and for how long (PIPL art. 47:
retention that laws and administrative regulations require).

Certification records are kept for ``ARCHIVE_RETENTION_YEARS`` (default 5, the electronic
retention local rules ask for) after the sitting: the registration with its evidence and review,
seat, ticket and check-in, the attempt with its answers and scores, proctor log entries, appeals.
Issued certificates stay on the register with the name, identity document and photo they
certify, valid unless the holder asks for their revocation. Everything else about a person —
practice, skill estimates, the talent-pool profile, consents, sign-in records — is deleted with
the account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from talentpool.assessment.models import ExamAttempt, ExamSession
from talentpool.certification.models import Certificate, StoredStatus
from talentpool.certification.service import add_years
from talentpool.extensions import db
from talentpool.office.models import Plan, Registration

DEFAULT_RETENTION_YEARS = 5


@dataclass(frozen=True)
class Kept:
    """One kind of record kept after the account is deleted: what, why, until when (None: as
    long as the certificate stands on the register)."""

    what: str  # translated lazily
    why: str
    until: datetime | None


def retention_years() -> int:
    return current_app.config.get("ARCHIVE_RETENTION_YEARS", DEFAULT_RETENTION_YEARS)


def kept_records(user_id: int) -> list[Kept]:
    """What deleting the person's account would keep (empty: the account can go entirely)."""
    kept = []
    last_sitting = db.session.scalar(select(func.max(ExamSession.closes_at)).join(
        ExamAttempt, ExamAttempt.session_id == ExamSession.id).where(
        ExamAttempt.user_id == user_id, ExamSession.plan_id.is_not(None)))
    last_registration = db.session.scalar(select(func.max(Plan.registration_closes_at)).join(
        Registration, Registration.plan_id == Plan.id).where(Registration.user_id == user_id))
    latest = max((moment for moment in (last_sitting, last_registration) if moment),
                 default=None)
    if latest is not None:
        kept.append(Kept(
            _l("certification records: registrations with their evidence and review, "
               "admission tickets and check-in, exam attempts with answers and scores, proctor "
               "logs, appeals"),
            _l("the evaluation organisation's archive of each sitting, which local rules "
               "require to be kept electronically for at least 5 years"),
            add_years(latest, retention_years())))
    certificates = db.session.scalar(select(func.count(Certificate.id)).where(
        Certificate.user_id == user_id, Certificate.status != StoredStatus.REVOKED))
    if certificates:
        kept.append(Kept(
            _l("issued certificates with the name, identity document and photo they certify"),
            _l("the register of issued certificates, on which employers and the authority "
               "rely; a certificate stays valid unless you ask for its revocation"),
            None))
    return kept
