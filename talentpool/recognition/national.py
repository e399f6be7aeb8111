"""National certificates entered by hand (职业技能等级证书, 职业资格证书, 职称证书), with a scan,
reviewed by staff: accepted as a level (or as display only) or rejected with a reason.

A 职业技能等级证书 number must have the national structure (``certification.national``); the
others are checked for shape only. The scan (PDF, JPEG or PNG, recognised by its first bytes,
not by its name) is kept in the database and served only to the holder and administrators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from talentpool.auth import Role
from talentpool.certification.national import national_number_problem, normalise_national_number
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.recognition.models import Recognition, Source, State
from talentpool.recognition.reasons import RecognitionError

DEFAULT_SCAN_MAX_BYTES = 1536 * 1024
SKILL_LEVEL, QUALIFICATION, TITLE = "skill_level", "qualification", "title"
KINDS = {
    SKILL_LEVEL: _l("Vocational skill level certificate (职业技能等级证书)"),
    QUALIFICATION: _l("Vocational qualification certificate (职业资格证书)"),
    TITLE: _l("Professional title certificate (职称证书)"),
}
SCAN_TYPES = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"),
              (b"\x89PNG\r\n\x1a\n", "image/png"))
OTHER_NUMBER = re.compile(r"^[0-9A-Z]{5,40}$")


@dataclass(frozen=True)
class NationalEntry:
    """What the holder typed."""

    kind: str
    number: str
    occupation: str
    level: int | None
    issuing_body: str
    issued_on: date | None


def scan_type(data: bytes) -> str | None:
    """The media type of a PDF, JPEG or PNG by its first bytes, else None."""
    return next((kind for magic, kind in SCAN_TYPES if data.startswith(magic)), None)


def scan_limit() -> int:
    """Largest scan accepted, in bytes (``RECOGNITION_SCAN_MAX_BYTES``)."""
    return int(current_app.config.get("RECOGNITION_SCAN_MAX_BYTES", DEFAULT_SCAN_MAX_BYTES))


def _checked(entry: NationalEntry, scan: bytes) -> tuple[str, str]:
    """(normalised number, scan media type), or RecognitionError saying what is wrong."""
    if entry.kind not in KINDS:
        raise RecognitionError(_("Choose the kind of certificate."))
    number = normalise_national_number(entry.number)
    if entry.kind == SKILL_LEVEL:
        problem = national_number_problem(number)
        if problem:
            raise RecognitionError(problem)
    elif not OTHER_NUMBER.match(number):
        raise RecognitionError(_("A certificate number has 5 to 40 letters or digits."))
    if entry.kind != TITLE and entry.level not in (1, 2, 3, 4, 5):
        raise RecognitionError(_("Choose the level the certificate states (五级 to 一级)."))
    if not entry.occupation.strip() or not entry.issuing_body.strip():
        raise RecognitionError(_("Give the occupation or work type and the issuing body."))
    if entry.issued_on is None or entry.issued_on > utcnow().date():
        raise RecognitionError(_("Give the date of issue; it cannot be in the future."))
    if len(scan) > scan_limit():
        raise RecognitionError(_("The scan is larger than %(kb)d KB.", kb=scan_limit() // 1024))
    kind = scan_type(scan)
    if kind is None:
        raise RecognitionError(_("The scan must be a PDF, JPEG or PNG file."))
    return number, kind


def submit_national(user, entry: NationalEntry, scan: bytes) -> Recognition:
    """Record a hand-entered national certificate for review; commits (nothing on bad input)."""
    number, kind = _checked(entry, scan)
    row = Recognition(
        user_id=user.id, source=Source.NATIONAL, state=State.PENDING,
        fingerprint=f"national:{entry.kind}:{number}", issuer_name=entry.issuing_body.strip()[:200],
        achievement_name=str(KINDS[entry.kind])[:300], kind=entry.kind, number=number,
        occupation=entry.occupation.strip()[:120], stated_level=entry.level,
        issued_on=entry.issued_on, scan=scan, scan_type=kind,
        verified_how="", created_at=utcnow().replace(microsecond=0))
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise RecognitionError(_("You have already entered certificate %(number)s.",
                                 number=number)) from None
    return row


def pending() -> list[Recognition]:
    """Hand-entered certificates waiting for review, oldest first."""
    return list(db.session.scalars(select(Recognition).where(
        Recognition.source == Source.NATIONAL, Recognition.state == State.PENDING)
        .order_by(Recognition.created_at, Recognition.id)))


@dataclass(frozen=True)
class Waiting:
    """A pending certificate with what the reviewer compares the scan against."""

    row: Recognition
    holder_name: str
    identity: dict


def review_queue() -> list[Waiting]:
    """Pending certificates with the holder's account name and identity document (in full:
    the reviewer compares them with the scan)."""
    from talentpool.accounts.models import User
    from talentpool.certification.holders import identity_of, identity_record

    return [Waiting(row, db.session.get(User, row.user_id).display_name,
                    identity_record(identity_of(row.user_id), masked=False))
            for row in pending()]


def find(public_id: str) -> Recognition | None:
    """A recognition by its public id."""
    return db.session.scalar(select(Recognition).where(Recognition.public_id == public_id))


def review(public_id: str, reviewer, accept: bool, level: int | None = None,
           reason: str = "", now: datetime | None = None) -> Recognition:
    """Accept a pending certificate as ``level`` (None: display only) or reject it with a
    reason the holder sees; commits."""
    row = find(public_id)
    if row is None or row.source != Source.NATIONAL:
        raise RecognitionError(_("No certificate waits for review under this id."))
    if row.state != State.PENDING:
        raise RecognitionError(_("This certificate was already reviewed."))
    reason = (reason or "").strip()
    if accept and level not in (None, 1, 2, 3, 4, 5):
        raise RecognitionError(_("The level must be 1, 2, 3, 4 or 5."))
    if not accept and not 1 <= len(reason) <= 500:
        raise RecognitionError(_("Give the holder a reason of 1 to 500 characters."))
    now = (now or utcnow()).replace(microsecond=0)
    row.state = State.ACCEPTED if accept else State.REJECTED
    row.level = level if accept else None
    row.rejection_reason = None if accept else reason
    row.reviewed_by_id, row.reviewed_at, row.checked_at = reviewer.id, now, now
    row.verified_how = (f"scan reviewed by staff {now.isoformat()}Z" if accept else "")
    db.session.commit()
    if accept:
        from talentpool.signals import certificate_changed, send_after_commit

        send_after_commit(certificate_changed, user_id=row.user_id)
    return row


def scan_for(public_id: str, viewer) -> Recognition | None:
    """The recognition whose scan ``viewer`` may see (the holder or an administrator)."""
    row = find(public_id)
    if row is None or row.scan_type is None:
        return None
    if row.user_id != viewer.id and viewer.role != Role.ADMIN:
        return None
    return row
