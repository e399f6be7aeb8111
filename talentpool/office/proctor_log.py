"""A sitting's proctor log (考场记录): incidents, time extensions, terminations and the
supervisor's sign-off, which closes the log.

An extension moves the deadline of the candidate's current part by 1–60 minutes; a termination
ends the candidate's attempt as failed (``exam.terminate``) and marks them irregular, so it can
never issue a certificate nor be started again at this sitting. Only an appointed supervisor
(or the organisation's administrator) signs off, and only once every seated candidate is
marked. Each entry and its audit entry are one commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, select, update

from talentpool.assessment import exam
from talentpool.assessment.models import OPEN_STATES, ExamAttempt, ExamSession
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office.models import (
    APPROVED, EXTENSION, INCIDENT, IRREGULAR, SIGN_OFF, TERMINATION, ProctorLogEntry,
    Registration,
)
from talentpool.office.plans import SUPERVISOR, is_appointed, own_sitting
from talentpool.organisations.audit import record
from talentpool.organisations.models import Organisation
from talentpool.organisations.office import may_manage

MAX_NOTE = 1000
MAX_EXTENSION_MINUTES = 60


class LogError(Exception):
    """A refused log entry; ``str(error)`` says what went wrong and what to do."""


def entries(sitting: ExamSession) -> list[tuple[ProctorLogEntry, Registration | None]]:
    """The sitting's log, oldest first, with the candidate each entry is about."""
    return list(db.session.execute(select(ProctorLogEntry, Registration).outerjoin(
        Registration, Registration.id == ProctorLogEntry.registration_id).where(
        ProctorLogEntry.session_id == sitting.id).order_by(ProctorLogEntry.at,
                                                          ProctorLogEntry.id)).all())


def is_closed(sitting: ExamSession) -> bool:
    """Whether the supervisor has signed the log off (no later entries)."""
    return bool(db.session.scalar(select(exists().where(
        ProctorLogEntry.session_id == sitting.id, ProctorLogEntry.kind == SIGN_OFF))))


def _open_sitting(organisation: Organisation, sitting_public_id: str) -> ExamSession:
    sitting = own_sitting(organisation, sitting_public_id)
    if sitting is None:
        raise LogError(_("This organisation has no such sitting."))
    if is_closed(sitting):
        raise LogError(_("The supervisor has signed this sitting's log off; nothing can be "
                         "added any more."))
    return sitting


def _note(text: str | None, what: str) -> str:
    note = (text or "").strip()
    if not note:
        raise LogError(what)
    if len(note) > MAX_NOTE:
        raise LogError(_("Keep the note to %(max)d characters.", max=MAX_NOTE))
    return note


def _candidate(sitting: ExamSession, candidate: str | None) -> Registration:
    """A candidate seated in the sitting, by ticket number or registration id."""
    key = (candidate or "").strip()
    found = key and db.session.scalar(select(Registration).where(
        Registration.sitting_id == sitting.id, Registration.state == APPROVED,
        (Registration.ticket_number == key.upper()) | (Registration.public_id == key)))
    if not found:
        raise LogError(_("Choose a candidate seated in this sitting (by ticket number)."))
    return found


def _open_attempt(sitting: ExamSession, registration: Registration) -> ExamAttempt:
    attempt = db.session.scalar(select(ExamAttempt).where(
        ExamAttempt.session_id == sitting.id, ExamAttempt.user_id == registration.user_id,
        ExamAttempt.state.in_(OPEN_STATES)))
    if attempt is None:
        raise LogError(_("%(name)s has no attempt in progress at this sitting, so there is "
                         "nothing to extend or end.", name=registration.candidate_name))
    return attempt


def _entry(sitting: ExamSession, kind: str, actor, note: str, now: datetime,
           registration: Registration | None = None,
           minutes: int | None = None) -> ProctorLogEntry:
    entry = ProctorLogEntry(session_id=sitting.id, kind=kind, note=note, minutes=minutes,
                            registration_id=registration.id if registration else None,
                            actor_id=getattr(actor, "id", None),
                            actor=(getattr(actor, "display_name", None) or "shell")[:120], at=now)
    db.session.add(entry)
    record(sitting.organisation_id, actor, f"log.{kind}", sitting.public_id, after={
        "note": note, **({"minutes": minutes} if minutes else {}),
        **({"ticket": registration.ticket_number} if registration else {})}, now=now)
    return entry


def add_incident(organisation: Organisation, sitting_public_id: str, note: str, actor,
                 candidate: str | None = None, now: datetime | None = None) -> ProctorLogEntry:
    """Record an incident, about the sitting or one candidate. Commits."""
    sitting = _open_sitting(organisation, sitting_public_id)
    text = _note(note, _("Describe the incident."))
    registration = _candidate(sitting, candidate) if (candidate or "").strip() else None
    entry = _entry(sitting, INCIDENT, actor, text, (now or utcnow()).replace(microsecond=0),
                   registration)
    db.session.commit()
    return entry


def extend_time(organisation: Organisation, sitting_public_id: str, candidate: str,
                minutes: int, reason: str, actor, now: datetime | None = None) -> ExamAttempt:
    """Give the candidate ``minutes`` (1–60) more on the current part of their attempt in
    progress, for a stated reason. Commits."""
    sitting = _open_sitting(organisation, sitting_public_id)
    if not isinstance(minutes, int) or not 1 <= minutes <= MAX_EXTENSION_MINUTES:
        raise LogError(_("An extension is 1 to %(max)d minutes.", max=MAX_EXTENSION_MINUTES))
    text = _note(reason, _("Give the reason for the extension."))
    registration = _candidate(sitting, candidate)
    attempt = _open_attempt(sitting, registration)
    before = attempt.part_deadline
    moved = db.session.execute(update(ExamAttempt).where(
        ExamAttempt.id == attempt.id, ExamAttempt.state == attempt.state,
        ExamAttempt.part_deadline == before).values(
        part_deadline=before + timedelta(minutes=minutes)))
    if moved.rowcount != 1:
        db.session.rollback()
        raise LogError(_("The attempt moved on while you were entering the extension; reload "
                         "and extend again."))
    now = (now or utcnow()).replace(microsecond=0)
    _entry(sitting, EXTENSION, actor, text, now, registration, minutes)
    db.session.commit()
    db.session.refresh(attempt)
    return attempt


def terminate(organisation: Organisation, sitting_public_id: str, candidate: str,
              reason: str, actor, now: datetime | None = None) -> ExamAttempt:
    """End the candidate's attempt in progress as failed, for a stated reason, and mark them
    irregular. Commits."""
    sitting = _open_sitting(organisation, sitting_public_id)
    text = _note(reason, _("Give the reason for ending the candidate's attempt."))
    registration = _candidate(sitting, candidate)
    attempt = _open_attempt(sitting, registration)
    now = (now or utcnow()).replace(microsecond=0)
    if not exam.terminate(attempt, now):
        db.session.rollback()
        raise LogError(_("The attempt ended or moved on meanwhile; reload and decide again."))
    before = registration.attendance
    registration.attendance = IRREGULAR
    _entry(sitting, TERMINATION, actor, text, now, registration)
    record(organisation.id, actor, "checkin.mark", registration.ticket_number or "",
           before={"attendance": before}, after={"attendance": IRREGULAR,
                                                  "sitting": sitting.public_id}, now=now)
    exam.commit_and_notify(attempt)
    return attempt


def may_sign_off(user, organisation: Organisation, sitting: ExamSession) -> bool:
    """The sitting's appointed supervisors and the organisation's administrators."""
    return may_manage(user, organisation) or is_appointed(getattr(user, "id", None), sitting,
                                                          SUPERVISOR)


def sign_off(organisation: Organisation, sitting_public_id: str, actor, note: str = "",
             now: datetime | None = None) -> ProctorLogEntry:
    """The supervisor's sign-off: closes the log once every seated candidate is marked.
    Commits."""
    sitting = _open_sitting(organisation, sitting_public_id)
    if not may_sign_off(actor, organisation, sitting):
        raise LogError(_("Only a supervisor appointed to this sitting, or the organisation's "
                         "administrator, may sign it off."))
    unmarked = [r.candidate_name for r in db.session.scalars(select(Registration).where(
        Registration.sitting_id == sitting.id, Registration.state == APPROVED,
        Registration.attendance.is_(None)).order_by(Registration.seat))]
    if unmarked:
        raise LogError(_("%(count)d candidates are not marked yet (%(names)s); mark each "
                         "present, absent or irregular before signing off.",
                         count=len(unmarked), names=", ".join(unmarked[:5])
                         + ("…" if len(unmarked) > 5 else "")))
    if len((note or "").strip()) > MAX_NOTE:
        raise LogError(_("Keep the note to %(max)d characters.", max=MAX_NOTE))
    entry = _entry(sitting, SIGN_OFF, actor, (note or "").strip(),
                   (now or utcnow()).replace(microsecond=0))
    db.session.commit()
    return entry
