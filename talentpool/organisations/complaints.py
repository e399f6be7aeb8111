"""Complaints to an evaluation organisation (ISO/IEC 17024 clause 9.9).

A signed-in person files a complaint about a certificate holder, about the organisation or about
the certification process; it gets a reference and is acknowledged by mail. The organisation's
administrators take it up (investigating) and answer it; the answer is mailed to the
complainant and shown on their page. Every step is written to the organisation's audit log.
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from talentpool.accounts.mail import send_mail
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.organisations.audit import record
from talentpool.organisations.models import Complaint, ComplaintState, Organisation
from talentpool.organisations.service import OrganisationError

ABOUT = {"holder": _l("A certificate holder"), "organisation": _l("The organisation"),
         "process": _l("The certification process")}
STATE_LABELS = {ComplaintState.RECEIVED: _l("Received"),
                ComplaintState.INVESTIGATING: _l("Under investigation"),
                ComplaintState.ANSWERED: _l("Answered")}
MAX_TEXT = 4000
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _reference() -> str:
    return "C-" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def _text(value: str, empty_message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise OrganisationError(empty_message)
    if len(value) > MAX_TEXT:
        raise OrganisationError(_("Write at most %(n)d characters.", n=MAX_TEXT))
    return value


def file_complaint(organisation: Organisation, complainant, about: str, text: str,
                   certificate_serial: str | None = None) -> Complaint:
    """Record a complaint and acknowledge it by mail. Commits."""
    if about not in ABOUT:
        raise OrganisationError(_("Say what the complaint is about."))
    text = _text(text, _("Describe the complaint."))
    serial = (certificate_serial or "").strip()[:40] or None
    if about == "holder" and serial is None:
        raise OrganisationError(_("Give the serial of the certificate the complaint is about."))
    complaint = Complaint(reference=_reference(), organisation_id=organisation.id,
                          complainant_id=complainant.id, about=about, text=text,
                          certificate_serial=serial, state=ComplaintState.RECEIVED,
                          received_at=utcnow().replace(microsecond=0))
    db.session.add(complaint)
    db.session.flush()
    record(organisation.id, complainant, "complaint.file", complaint.reference,
           after={"about": about, "certificate_serial": serial})
    db.session.commit()
    send_mail(complainant.email, _("Complaint %(reference)s received",
                                   reference=complaint.reference),
              _("%(organisation)s received your complaint %(reference)s and will answer it. "
                "You can follow it on your complaints page.",
                organisation=organisation.name, reference=complaint.reference))
    return complaint


def complaints_of(user_id: int) -> list[tuple[Complaint, Organisation]]:
    """The person's complaints, newest first."""
    return list(db.session.execute(select(Complaint, Organisation).join(
        Organisation, Organisation.id == Complaint.organisation_id).where(
        Complaint.complainant_id == user_id).order_by(Complaint.received_at.desc(),
                                                      Complaint.id.desc())).all())


def complaints_to(organisation: Organisation) -> list[Complaint]:
    """The organisation's complaints: open ones first, then by date."""
    return list(db.session.scalars(select(Complaint).where(
        Complaint.organisation_id == organisation.id).order_by(
        (Complaint.state == ComplaintState.ANSWERED), Complaint.received_at.desc())))


def complaint_of(organisation: Organisation, reference: str) -> Complaint | None:
    """The organisation's complaint with this reference, or None."""
    return db.session.scalar(select(Complaint).where(
        Complaint.organisation_id == organisation.id, Complaint.reference == reference))


def take_up(complaint: Complaint, actor) -> Complaint:
    """Start investigating a received complaint. Commits."""
    if complaint.state is not ComplaintState.RECEIVED:
        raise OrganisationError(_("This complaint is already being handled."))
    complaint.state, complaint.handler_id = ComplaintState.INVESTIGATING, actor.id
    record(complaint.organisation_id, actor, "complaint.investigate", complaint.reference,
           {"state": "received"}, {"state": "investigating"})
    db.session.commit()
    return complaint


def answer(complaint: Complaint, actor, text: str) -> Complaint:
    """Answer a complaint and mail the answer to the complainant. Commits."""
    if complaint.state is ComplaintState.ANSWERED:
        raise OrganisationError(_("This complaint was already answered."))
    text = _text(text, _("Write the answer."))
    before = complaint.state.value
    complaint.state, complaint.answer = ComplaintState.ANSWERED, text
    complaint.handler_id, complaint.answered_at = actor.id, utcnow().replace(microsecond=0)
    record(complaint.organisation_id, actor, "complaint.answer", complaint.reference,
           {"state": before}, {"state": "answered", "answer": text})
    db.session.commit()
    from talentpool.accounts.models import User

    complainant = db.session.get(User, complaint.complainant_id) if complaint.complainant_id \
        else None
    if complainant is not None:
        send_mail(complainant.email, _("Answer to complaint %(reference)s",
                                       reference=complaint.reference), text)
    return complaint
