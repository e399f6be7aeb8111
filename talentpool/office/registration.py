"""Registration (报名) for an assessment plan, and its eligibility review (资格审核).

A candidate registers while the plan's window is open, by one of the level's eligibility routes
(the scheme's ``eligibility.routes``), with their identity document and photo on file and
evidence files: PDF, PNG or JPEG recognised by their first bytes (and named accordingly), each at
most ``OFFICE_EVIDENCE_MAX_BYTES``, at most ``MAX_FILES`` at a time. A route's prior-level
requirement is met on record when the person holds that level or a higher one
(``recognition.held_levels``: certificates of any organisation here and accepted recognitions,
imported credentials included); the reviewer sees it, and evidence for it is optional.

The office approves, rejects with a reason, or asks for more; the candidate adds evidence and the
registration waits for review again. Every step is one commit with its audit entry; the candidate
is mailed after the commit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from talentpool.assessment import pools
from talentpool.assessment.models import ExamSession
from talentpool.assessment.scheme import EligibilityRoute, LevelRule
from talentpool.certification.holders import identity_of
from talentpool.certification.models import PhotoState
from talentpool.certification.photos import photos_of
from talentpool import field_crypto
from talentpool.database import new_public_id, utcnow
from talentpool.extensions import db
from talentpool.input_guard import clean_filename
from talentpool.office.models import (
    APPROVED, MORE_REQUESTED, REJECTED, SUBMITTED, WITHDRAWN, Evidence, Plan, Registration,
)
from talentpool.organisations.audit import record
from talentpool.organisations.models import Organisation
from talentpool.timezones import local_text

MAX_FILES, MAX_FILES_IN_ALL = 5, 15
DEFAULT_EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
NAME_MAX, STATEMENT_MAX, REASON_MAX = 80, 4000, 1000
DECISIONS = {"approve": APPROVED, "reject": REJECTED, "more": MORE_REQUESTED}
EXTENSIONS = {"application/pdf": (".pdf",), "image/png": (".png",),
              "image/jpeg": (".jpg", ".jpeg")}
IDENTITY, PHOTO = "identity", "photo"


class RegistrationError(Exception):
    """A refusal; the message says what is wrong and what to do."""


class NotFound(RegistrationError):
    """No such plan, registration or file here (views answer 404)."""


@dataclass(frozen=True)
class Upload:
    """One uploaded file as received: the name the browser gave and its bytes."""

    filename: str
    data: bytes


def evidence_limit() -> int:
    """Largest evidence file accepted, in bytes (``OFFICE_EVIDENCE_MAX_BYTES``)."""
    return int(current_app.config.get("OFFICE_EVIDENCE_MAX_BYTES", DEFAULT_EVIDENCE_MAX_BYTES))


def size_text(size: int) -> str:
    """``5 MB`` or ``900 KB``, for messages."""
    return f"{size / 1048576:g} MB" if size >= 1048576 else f"{max(1, size // 1024)} KB"


def open_plans(now: datetime | None = None) -> list[tuple[Plan, Organisation]]:
    """Plans of every organisation whose registration window is open, closing soonest first."""
    now = now or utcnow()
    return list(db.session.execute(select(Plan, Organisation).join(
        Organisation, Organisation.id == Plan.organisation_id).where(
        Plan.registration_opens_at <= now, Plan.registration_closes_at > now).order_by(
        Plan.registration_closes_at, Plan.id)).all())


def find_plan(public_id: str) -> Plan:
    """The plan with this public id, or NotFound."""
    plan = db.session.scalar(select(Plan).where(Plan.public_id == public_id))
    if plan is None:
        raise NotFound(_("This assessment plan does not exist. Choose one of the open plans."))
    return plan


def level_rule(level: int) -> LevelRule:
    """The scheme's rule of the level: its eligibility routes (申报条件) and training hours."""
    return pools.scheme().levels[level]


def missing_prerequisites(user_id: int) -> list[str]:
    """What the person must enter before registering: ``identity`` and/or ``photo``."""
    photos = photos_of(user_id)
    return ([IDENTITY] if identity_of(user_id) is None else []) + (
        [] if PhotoState.APPROVED in photos or PhotoState.PENDING in photos else [PHOTO])


def levels_held(user_id: int, now: datetime | None = None) -> set[int]:
    """Every level the person holds, from any recognised issuer (``recognition``, imported
    here: the office package loads with the exam module, before recognition's views)."""
    from talentpool.recognition.service import held_levels

    return held_levels(user_id, now)


def prior_level_met(user_id: int | None, route: EligibilityRoute | None,
                    now: datetime | None = None) -> int | None:
    """The held level that meets the route's prior-level requirement (that level or a higher
    one, from any recognised issuer), or None."""
    if user_id is None or route is None or route.prior_level is None:
        return None
    met = [level for level in levels_held(user_id, now) if level <= route.prior_level]
    return max(met) if met else None


def checked_files(files: list[Upload], already: int = 0) -> list[Evidence]:
    """Evidence rows for the chosen files (empty file fields left out), or RegistrationError
    naming the first file that is too large, of another type, or one too many."""
    from talentpool.recognition.national import scan_type

    files = [upload for upload in files if upload.filename or upload.data]
    if len(files) > MAX_FILES:
        raise RegistrationError(_("Upload at most %(most)d files at a time; you chose %(count)d.",
                                  most=MAX_FILES, count=len(files)))
    if already + len(files) > MAX_FILES_IN_ALL:
        raise RegistrationError(_("A registration holds at most %(most)d evidence files; it has "
                                  "%(count)d already.", most=MAX_FILES_IN_ALL, count=already))
    limit, rows = evidence_limit(), []
    for upload in files:
        name = clean_filename(upload.filename, "evidence")
        if not upload.data:
            raise RegistrationError(_("The file %(name)s is empty; choose it again.", name=name))
        if len(upload.data) > limit:
            raise RegistrationError(_("The file %(name)s is larger than %(size)s; scan it at a "
                                      "lower resolution or split it.", name=name,
                                      size=size_text(limit)))
        kind = scan_type(upload.data)
        if kind is None:
            raise RegistrationError(_("The file %(name)s is not a PDF, PNG or JPEG file by its "
                                      "content; upload a scan or photo of the document in one "
                                      "of these formats.", name=name))
        if not name.lower().endswith(EXTENSIONS[kind]):
            raise RegistrationError(_("The name of %(name)s does not match its content (%(kind)s); "
                                      "rename it to end in %(ext)s or upload the right file.",
                                      name=name, kind=kind, ext=EXTENSIONS[kind][0]))
        rows.append(Evidence(filename=name, content_type=kind, data=upload.data,
                             sha256=hashlib.sha256(upload.data).hexdigest()))
    return rows


def _statement(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > STATEMENT_MAX:
        raise RegistrationError(_("Shorten your statement to at most %(most)d characters.",
                                  most=STATEMENT_MAX))
    return text


def window_open(plan: Plan, now: datetime | None = None) -> bool:
    """Whether the plan takes registrations now."""
    return plan.registration_opens_at <= (now or utcnow()) < plan.registration_closes_at


def _refuse_ineligible(user, plan: Plan, now: datetime) -> None:
    if not window_open(plan, now):
        raise RegistrationError(_("Registration for this plan is open from %(opens)s to "
                                  "%(closes)s; it is not open now.",
                                  opens=local_text(plan.registration_opens_at),
                                  closes=local_text(plan.registration_closes_at)))
    missing = missing_prerequisites(user.id)
    if IDENTITY in missing:
        raise RegistrationError(_("Enter your identity document (ID type and number) on the "
                                  "identity document page first: the roster names it."))
    if PHOTO in missing:
        raise RegistrationError(_("Upload your photo on the photo page first: the admission "
                                  "ticket and the certificate carry it."))
    levels = sorted(levels_held(user.id, now))
    if levels and levels[0] <= plan.level:
        raise RegistrationError(_("You already hold level %(held)d, so you need not register "
                                  "for level %(level)d.", held=levels[0], level=plan.level))


def register(user, plan_public_id: str, route_id: str, real_name: str, statement: str,
             files: list[Upload], now: datetime | None = None) -> Registration:
    """Register the person for the plan by one route, with evidence; all or nothing. Commits."""
    now = now or utcnow()
    plan = find_plan(plan_public_id)
    _refuse_ineligible(user, plan, now)
    route = level_rule(plan.level).route(route_id or "")
    if route is None:
        raise RegistrationError(_("Choose one of the eligibility routes of this level."))
    name = " ".join((real_name or "").split())
    if not name or len(name) > NAME_MAX:
        raise RegistrationError(_("Type your real name as on your identity document (at most "
                                  "%(most)d characters).", most=NAME_MAX))
    text, evidence = _statement(statement), checked_files(files)
    met = prior_level_met(user.id, route, now)
    only_prior = not (route.work_years or route.school or route.training_hours)
    if not evidence and not (met and only_prior):
        raise RegistrationError(_("Upload evidence for the route you chose, such as a proof of "
                                  "employment, a diploma or a training certificate."))
    duplicate = _("You have already registered for this plan; see your registrations.")
    registration = db.session.scalar(select(Registration).where(
        Registration.plan_id == plan.id, Registration.user_id == user.id))
    if registration is not None and registration.state != WITHDRAWN:
        raise RegistrationError(duplicate)
    if registration is None:  # a withdrawn registration is taken up again
        registration = Registration(public_id=new_public_id(), plan_id=plan.id, user_id=user.id)
        db.session.add(registration)
    registration.evidence.clear()
    for key, value in dict(candidate_name=name, route=route.id, statement=text,
                           state=SUBMITTED, submitted_at=now, review_reason=None,
                           reviewed_by_id=None, reviewed_at=None).items():
        setattr(registration, key, value)
    registration.evidence.extend(evidence)
    record(plan.organisation_id, user, "registration.submit", registration.public_id,
           after={"plan": plan.public_id, "route": route.id, "files": len(evidence),
                  "prior_level_held": met})
    try:
        db.session.commit()
    except IntegrityError:  # the same person registered in another request meanwhile
        db.session.rollback()
        raise RegistrationError(duplicate) from None
    return registration


def own_registration(user, public_id: str) -> Registration:
    """The person's own registration, or NotFound (also for someone else's)."""
    registration = db.session.scalar(select(Registration).where(
        Registration.public_id == public_id))
    if registration is None or registration.user_id != user.id:
        raise NotFound(_("This registration does not exist."))
    return registration


def my_registrations(user) -> list[Registration]:
    """The person's registrations, newest first."""
    return list(db.session.scalars(select(Registration).where(
        Registration.user_id == user.id).order_by(Registration.submitted_at.desc(),
                                                  Registration.id.desc())))


def change_if_still(registration: Registration, before: str, **values) -> None:
    """Change the registration only if it is still in state ``before`` (two requests cannot
    both move it), or roll back and say so."""
    moved = db.session.execute(update(Registration).where(
        Registration.id == registration.id, Registration.state == before).values(**values)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        db.session.rollback()
        raise RegistrationError(_("This registration changed meanwhile; reload the page."))


def add_evidence(user, public_id: str, files: list[Upload], statement: str = "") -> Registration:
    """Add evidence (and a note) while waiting for review or after the office asked for more;
    the registration then waits for review again. Commits."""
    registration = own_registration(user, public_id)
    before = registration.state
    if before not in (SUBMITTED, MORE_REQUESTED):
        raise RegistrationError(_("Evidence can be added only while the registration waits for "
                                  "review or after the office asks for more."))
    evidence, note = checked_files(files, len(registration.evidence)), _statement(statement)
    if not evidence:
        raise RegistrationError(_("Choose at least one file to add."))
    text = "\n\n".join(part for part in (registration.statement, note) if part)
    if len(text) > STATEMENT_MAX:
        raise RegistrationError(_("Shorten your statement to at most %(most)d characters.",
                                  most=STATEMENT_MAX))
    registration.evidence.extend(evidence)
    db.session.flush()
    change_if_still(registration, before, state=SUBMITTED, statement=text)
    record(registration.plan.organisation_id, user, "registration.resubmit",
           registration.public_id, before={"state": before},
           after={"state": SUBMITTED, "files": len(evidence)})
    db.session.commit()
    db.session.refresh(registration)
    return registration


def reseal_names(batch: int = 500) -> int:
    """Encrypt every stored candidate name again with the current field key (after a new key
    was put first in ``FIELD_ENCRYPTION_KEYS``); commits per batch. The number re-sealed."""
    return field_crypto.reseal_rows(db.session, Registration, Registration.id,
                                    "candidate_name_sealed", "candidate_name", batch)


def withdraw(user, public_id: str, now: datetime | None = None) -> Registration:
    """Withdraw before the review, or once approved before the sitting opens (the seat and
    ticket are given up). Commits."""
    now = now or utcnow()
    registration = own_registration(user, public_id)
    before = registration.state
    sitting = (db.session.get(ExamSession, registration.sitting_id)
               if registration.sitting_id else None)
    if not (before in (SUBMITTED, MORE_REQUESTED)
            or (before == APPROVED and (sitting is None or now < sitting.opens_at))):
        raise RegistrationError(_("This registration can no longer be withdrawn: it was decided, "
                                  "or its sitting has begun."))
    record(registration.plan.organisation_id, user, "registration.withdraw",
           registration.public_id, before={"state": before, "seat": registration.seat,
                                           "ticket": registration.ticket_number},
           after={"state": WITHDRAWN})
    change_if_still(registration, before, state=WITHDRAWN, sitting_id=None, seat=None,
                    ticket_number=None)
    db.session.commit()
    db.session.refresh(registration)
    return registration
