"""Check-in at a sitting (入场核验): the proctor scans the admission ticket, compares the photo and
the name with the person, and marks the candidate present, absent or irregular.

A candidate marked present may start the sitting (``exam.admission_problem``). Marking present
needs the proctor's confirmation that the photo matches; a mark may be changed until the
candidate starts, and every mark is audited with the value before and after. One check-in is
one SELECT (registration, its sitting, whether the log is signed off and whether the candidate
started) and one commit, so that a room of candidates is checked in quickly.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import exists, select

from talentpool.assessment.models import ExamAttempt, ExamSession
from talentpool.certification.holders import identity_of
from talentpool.certification.identity import ID_TYPES, mask_id_number
from talentpool.certification.models import HolderPhoto, PhotoState
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office.plans import local_time
from talentpool.office.models import (
    ABSENT, APPROVED, ATTENDANCE, IRREGULAR, PRESENT, SIGN_OFF, ProctorLogEntry, Registration,
)
from talentpool.organisations.audit import record
from talentpool.organisations.models import Organisation

MAX_TICKET = 32


class CheckInError(Exception):
    """A refused check-in; ``str(error)`` says what went wrong and what to do."""


@dataclass(frozen=True)
class Candidate:
    """What the proctor compares before confirming: never the full identity number."""

    registration_public_id: str
    ticket_number: str
    name: str
    seat: str
    id_type: str | None
    masked_id_number: str | None
    has_photo: bool
    photo_url: str | None
    attendance: str | None


def normalise_ticket(text: str | None) -> str:
    """The ticket number as a scanner or a person typed it: trimmed, upper case."""
    return (text or "").strip().upper()[:MAX_TICKET + 1]


def _find(organisation: Organisation, sitting_public_id: str, ticket: str):
    """(registration, sitting, signed off, started) for the ticket — one query — or a
    CheckInError naming what is wrong."""
    if not ticket:
        raise CheckInError(_("Scan or type the ticket number printed under the QR code."))
    signed = exists().where(ProctorLogEntry.session_id == ExamSession.id,
                            ProctorLogEntry.kind == SIGN_OFF)
    started = exists().where(ExamAttempt.session_id == ExamSession.id,
                             ExamAttempt.user_id == Registration.user_id)
    row = db.session.execute(select(Registration, ExamSession, signed.label("signed"),
                                    started.label("started"))
                             .join(ExamSession, ExamSession.id == Registration.sitting_id)
                             .where(Registration.ticket_number == ticket)).first()
    if row is None or row.ExamSession.organisation_id != organisation.id:
        raise CheckInError(_("No admission ticket has the number %(ticket)s. Check the number, "
                             "or send the candidate to the office desk.", ticket=ticket))
    registration, sitting = row.Registration, row.ExamSession
    if sitting.public_id != sitting_public_id:
        raise CheckInError(_("Ticket %(ticket)s is for another sitting: %(title)s, %(date)s, "
                             "%(place)s. Send the candidate there.", ticket=ticket,
                             title=sitting.title, date=beijing(sitting.opens_at),
                             place=place(sitting)))
    if registration.state != APPROVED:
        raise CheckInError(_("The registration of ticket %(ticket)s is no longer approved "
                             "(withdrawn or rejected); the candidate may not sit. Refer them "
                             "to the office.", ticket=ticket))
    return registration, sitting, row.signed, row.started


def lookup(organisation: Organisation, sitting_public_id: str,
           ticket_number: str) -> Candidate:
    """The candidate holding the ticket, as the proctor compares them before confirming."""
    registration, sitting, _signed, _started = _find(organisation, sitting_public_id,
                                                     normalise_ticket(ticket_number))
    return candidate_card(registration, sitting, organisation)


def candidate_card(registration: Registration, sitting: ExamSession,
                   organisation: Organisation) -> Candidate:
    identity = identity_of(registration.user_id)
    has_photo = registration.user_id is not None and db.session.scalar(select(exists().where(
        HolderPhoto.user_id == registration.user_id, HolderPhoto.state == PhotoState.APPROVED)))
    url = (url_for("office.checkin_photo", slug=organisation.slug,
                   sitting_public_id=sitting.public_id,
                   registration_public_id=registration.public_id)
           if has_photo and has_request_context() else None)
    return Candidate(registration.public_id, registration.ticket_number,
                     registration.candidate_name, registration.seat or "",
                     ID_TYPES[identity.id_type].zh if identity else None,
                     mask_id_number(identity.id_number) if identity else None,
                     bool(has_photo), url, registration.attendance)


def check_in(organisation: Organisation, sitting_public_id: str, ticket_number: str,
             attendance: str, actor, photo_matches: bool = False) -> Registration:
    """Mark the ticket's candidate present (the proctor confirms the photo matches), absent or
    irregular. A changed mark is allowed until the candidate starts. Commits (audited)."""
    if attendance not in ATTENDANCE:
        raise CheckInError(_("Choose present, absent or irregular."))
    ticket = normalise_ticket(ticket_number)
    registration, sitting, signed, started = _find(organisation, sitting_public_id, ticket)
    if signed:
        raise CheckInError(_("The supervisor has signed this sitting off; marks can no longer "
                             "be changed."))
    if attendance == PRESENT and not photo_matches:
        raise CheckInError(_("Confirm that the photo and the identity document match the "
                             "person before marking %(name)s present; if they do not, mark "
                             "the candidate irregular.", name=registration.candidate_name))
    before = registration.attendance
    if before == attendance:
        return registration
    if before is not None and started:
        raise CheckInError(_("%(name)s has already started, so the mark can no longer be "
                             "changed; record an incident or a termination in the proctor log "
                             "instead.", name=registration.candidate_name))
    now = utcnow().replace(microsecond=0)
    registration.attendance, registration.checked_in_at = attendance, now
    registration.checked_in_by_id = getattr(actor, "id", None)
    record(organisation.id, actor, "checkin.mark", ticket, before={"attendance": before},
           after={"attendance": attendance, "photo_confirmed": bool(photo_matches),
                  "sitting": sitting.public_id}, now=now)
    db.session.commit()
    return registration


def roll(sitting: ExamSession) -> list[Registration]:
    """The sitting's seated candidates by seat, with their marks."""
    return list(db.session.scalars(select(Registration).where(
        Registration.sitting_id == sitting.id, Registration.state == APPROVED)
        .order_by(Registration.seat)))


def tally(candidates: list[Registration]) -> dict[str | None, int]:
    """How many candidates carry each mark (None: not marked yet)."""
    counts = {PRESENT: 0, ABSENT: 0, IRREGULAR: 0, None: 0}
    for registration in candidates:
        counts[registration.attendance] = counts.get(registration.attendance, 0) + 1
    return counts


def seated_photo(sitting: ExamSession, registration_public_id: str) -> bytes | None:
    """The approved photo of a candidate seated in the sitting, for the proctor; else None."""
    return db.session.scalar(select(HolderPhoto.jpeg).join(
        Registration, Registration.user_id == HolderPhoto.user_id).where(
        Registration.public_id == registration_public_id, Registration.sitting_id == sitting.id,
        HolderPhoto.state == PhotoState.APPROVED))


def beijing(moment) -> str:
    """A stored UTC time as Beijing time (Asia/Shanghai), e.g. 2026-04-18 09:00."""
    return f"{local_time(moment):%Y-%m-%d %H:%M}"


def place(sitting: ExamSession) -> str:
    return _("online") if sitting.online else _("room %(room)s", room=sitting.room)
