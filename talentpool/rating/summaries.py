"""The candidate's work summary or paper (工作总结/论文) for a panel review (综合评审).

A candidate registered for a plan of level 2 or 1 hands in the summary in advance: from the
registration on (submitted, asked for more, or approved) until the sitting they are seated at
opens. After that it is fixed, and it is what the panel reads. The text is Markdown of at least
the scheme's ``summary.min_chars`` characters (sanitised whenever it is shown), with up to
``summary.files`` PDF files (checked by content and size like answer files). A refused change
stores nothing and says why.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from talentpool.assessment import pools
from talentpool.assessment.models import ExamSession
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office.models import APPROVED, MORE_REQUESTED, SUBMITTED, Registration
from talentpool.office.registration import own_registration
from talentpool.rating.answer_files import FileError, checked
from talentpool.rating.panel_models import PanelHearing, PanelSeat, WorkSummary, WorkSummaryFile
from talentpool.rating.panels import PanelError

MAX_TEXT = 50_000
MAX_TITLE = 200
LIVE = (SUBMITTED, MORE_REQUESTED, APPROVED)


def rule_for(registration: Registration):
    """The panel rule of the registration's level, None for a level without one."""
    return pools.scheme().levels[registration.plan.level].panel_review


def due_at(registration: Registration) -> datetime | None:
    """When the summary is fixed: the opening of the sitting the candidate is seated at (None
    while not seated yet)."""
    if registration.sitting_id is None:
        return None
    return db.session.get(ExamSession, registration.sitting_id).opens_at


def may_change(registration: Registration, now: datetime | None = None) -> bool:
    due = due_at(registration)
    return registration.state in LIVE and rule_for(registration) is not None and (
        due is None or (now or utcnow()) < due)


def summary_for(registration: Registration) -> WorkSummary | None:
    return db.session.scalar(select(WorkSummary).where(
        WorkSummary.registration_id == registration.id))


def _changeable(user, registration_public_id: str, now: datetime) -> Registration:
    registration = own_registration(user, registration_public_id)
    if rule_for(registration) is None:
        raise PanelError(_("Level %(level)d has no panel review, so it takes no work summary.",
                           level=registration.plan.level))
    if not may_change(registration, now):
        raise PanelError(_("The work summary can no longer change: the sitting has opened or "
                           "the registration is closed."))
    return registration


def save(user, registration_public_id: str, title: str, text: str,
         now: datetime | None = None) -> WorkSummary:
    """Hand in or revise the summary's title and text. Commits."""
    now = now or utcnow()
    registration = _changeable(user, registration_public_id, now)
    title, text = (title or "").strip(), (text or "").strip()
    least = rule_for(registration).summary_min_chars
    if not title or len(title) > MAX_TITLE:
        raise PanelError(_("Give the summary a title of at most %(n)d characters.",
                           n=MAX_TITLE))
    if len(text) < least:
        raise PanelError(_("The summary has %(have)d characters; level %(level)d asks for at "
                           "least %(need)d.", have=len(text), level=registration.plan.level,
                           need=least))
    if len(text) > MAX_TEXT:
        raise PanelError(_("The summary is longer than %(n)d characters.", n=MAX_TEXT))
    summary = summary_for(registration)
    if summary is None:
        summary = WorkSummary(registration_id=registration.id, submitted_at=now)
        db.session.add(summary)
    summary.title, summary.text, summary.updated_at = title, text, now
    db.session.commit()
    return summary


def add_file(user, registration_public_id: str, filename: str, data: bytes,
             now: datetime | None = None) -> WorkSummaryFile:
    """Add a PDF to the handed-in summary. Commits."""
    now = now or utcnow()
    registration = _changeable(user, registration_public_id, now)
    summary = summary_for(registration)
    allowed = rule_for(registration).summary_files
    if summary is None:
        raise PanelError(_("Save the summary's text first, then add files."))
    if len(summary.files) >= allowed:
        raise PanelError(_("The summary takes at most %(n)d PDF file(s); remove one first.",
                           n=allowed))
    try:
        name, _kind = checked(filename, data, ("pdf",), "summary")
    except FileError as error:
        raise PanelError(str(error)) from None
    stored = WorkSummaryFile(filename=name, size=len(data),
                             sha256=hashlib.sha256(data).hexdigest(), data=data,
                             uploaded_at=now)
    summary.files.append(stored)
    summary.updated_at = now
    db.session.commit()
    return stored


def remove_file(user, registration_public_id: str, file_public_id: str,
                now: datetime | None = None) -> None:
    """Take a PDF off the summary while it may still change. Commits."""
    now = now or utcnow()
    summary = summary_for(_changeable(user, registration_public_id, now))
    found = next((f for f in (summary.files if summary else []) if f.public_id == file_public_id),
                 None)
    if found is None:
        raise PanelError(_("No such file of this summary."))
    summary.files.remove(found)
    summary.updated_at = now
    db.session.commit()


def file_for_candidate(user, registration_public_id: str,
                       file_public_id: str) -> WorkSummaryFile | None:
    summary = summary_for(own_registration(user, registration_public_id))
    return next((f for f in (summary.files if summary else []) if f.public_id == file_public_id),
                None)


def file_for_member(user_id: int, hearing_public_id: str,
                    file_public_id: str) -> WorkSummaryFile | None:
    """A file of the summary of a hearing the person is seated on, else None."""
    from talentpool.rating.hearings import summary_of

    hearing = db.session.scalar(select(PanelHearing).join(
        PanelSeat, PanelSeat.hearing_id == PanelHearing.id).where(
        PanelHearing.public_id == hearing_public_id, PanelSeat.member_id == user_id,
        PanelSeat.withdrawn_at.is_(None)))
    summary = summary_of(hearing) if hearing is not None else None
    return next((f for f in (summary.files if summary else []) if f.public_id == file_public_id),
                None)
