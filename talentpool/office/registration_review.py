"""The office's side of registration: the registrations of a plan, one registration with what
the reviewer needs, the decision (资格审核), and the audited views of identity and evidence.

Every read is confined to the organisation: another organisation's plan, registration or file is
NotFound. Showing an identity number in full and opening an evidence file are written to the
organisation's audit log; so is each decision, after which the candidate is mailed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_request_context
from flask_babel import gettext as _
from sqlalchemy import select

from talentpool.accounts.mail import send_mail
from talentpool.accounts.models import User
from talentpool.accounts.tokens import external_url
from talentpool.assessment import pools
from talentpool.assessment.scheme import EligibilityRoute
from talentpool.certification.holders import identity_of, identity_record
from talentpool.certification.models import PhotoState
from talentpool.certification.photos import photos_of
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office.models import (
    APPROVED, MORE_REQUESTED, REGISTRATION_STATES, SUBMITTED, Evidence, Plan, Registration,
)
from talentpool.office.registration import (
    DECISIONS, REASON_MAX, NotFound, RegistrationError, change_if_still, prior_level_met,
)
from talentpool.organisations.audit import record
from talentpool.organisations.models import Organisation


def office_plan(organisation: Organisation, plan_public_id: str) -> Plan:
    """The organisation's plan, or NotFound (also for another organisation's)."""
    plan = db.session.scalar(select(Plan).where(Plan.public_id == plan_public_id))
    if plan is None or plan.organisation_id != organisation.id:
        raise NotFound(_("This assessment plan does not exist."))
    return plan


def office_registration(organisation: Organisation, public_id: str) -> Registration:
    """A registration for one of the organisation's plans, or NotFound."""
    registration = db.session.scalar(select(Registration).where(
        Registration.public_id == public_id))
    if registration is None or registration.plan.organisation_id != organisation.id:
        raise NotFound(_("This registration does not exist."))
    return registration


def plan_registrations(organisation: Organisation, plan_public_id: str,
                       state: str | None = None) -> tuple[Plan, list[Registration]]:
    """The plan and its registrations (only those in ``state`` when given), oldest first."""
    plan = office_plan(organisation, plan_public_id)
    query = select(Registration).where(Registration.plan_id == plan.id)
    if state in REGISTRATION_STATES:
        query = query.where(Registration.state == state)
    return plan, list(db.session.scalars(query.order_by(Registration.submitted_at,
                                                        Registration.id)))


def state_counts(plan: Plan) -> dict[str, int]:
    """How many registrations of the plan are in each state."""
    rows = db.session.execute(select(Registration.state, db.func.count(Registration.id)).where(
        Registration.plan_id == plan.id).group_by(Registration.state))
    return {state: 0 for state in REGISTRATION_STATES} | dict(rows.all())


@dataclass(frozen=True)
class ReviewFacts:
    """What the reviewer sees of one registration (the identity number masked)."""

    registration: Registration
    plan: Plan
    route: EligibilityRoute | None
    identity: dict
    photo: bytes | None
    prior_level_held: int | None
    reviewer: str | None


def review_facts(organisation: Organisation, public_id: str,
                 now: datetime | None = None) -> ReviewFacts:
    """The registration with its route, masked identity, photo (approved, else waiting) and
    whether the route's prior-level requirement is met on record."""
    registration = office_registration(organisation, public_id)
    route = pools.scheme().levels[registration.plan.level].route(registration.route)
    photos = photos_of(registration.user_id)
    photo = photos.get(PhotoState.APPROVED) or photos.get(PhotoState.PENDING)
    reviewer = (db.session.get(User, registration.reviewed_by_id)
                if registration.reviewed_by_id else None)
    return ReviewFacts(registration, registration.plan, route,
                       identity_record(identity_of(registration.user_id)),
                       photo.jpeg if photo else None,
                       prior_level_met(registration.user_id, route, now),
                       reviewer.display_name if reviewer else None)


def reveal_identity(organisation: Organisation, public_id: str, actor) -> dict:
    """The candidate's identity document in full; the view is audited. Commits."""
    registration = office_registration(organisation, public_id)
    shown = identity_record(identity_of(registration.user_id), masked=False)
    if shown["id_number"] is not None:
        record(organisation.id, actor, "identity.view", registration.public_id,
               after={"id_type": shown["id_type"]["code"]})
        db.session.commit()
    return shown


def evidence_file(organisation: Organisation, evidence_id: int, actor) -> Evidence:
    """An evidence file of a registration for the organisation; the download is audited.
    Commits."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.registration.plan.organisation_id != organisation.id:
        raise NotFound(_("This file does not exist."))
    record(organisation.id, actor, "evidence.download", evidence.registration.public_id,
           after={"evidence": evidence.id, "sha256": evidence.sha256})
    db.session.commit()
    return evidence


def review(organisation: Organisation, registration_public_id: str, decision: str, reason: str,
           actor, now: datetime | None = None) -> Registration:
    """Approve, reject or ask for more (``approve``, ``reject``, ``more``; the last two need a
    reason the candidate reads). Only a registration waiting for review. Commits, then mails
    the candidate."""
    now = now or utcnow()
    if decision not in DECISIONS:
        raise RegistrationError(_("Choose a decision: approve, reject, or ask for more evidence."))
    reason = (reason or "").strip()
    if decision != "approve" and not reason:
        raise RegistrationError(_("Give the candidate a reason: they read it in their "
                                  "registrations and in the mail."))
    if len(reason) > REASON_MAX:
        raise RegistrationError(_("Shorten the reason to at most %(most)d characters.",
                                  most=REASON_MAX))
    registration = office_registration(organisation, registration_public_id)
    if registration.state != SUBMITTED:
        raise RegistrationError(_("This registration is not waiting for review, so it cannot be "
                                  "decided now."))
    state = DECISIONS[decision]
    change_if_still(registration, SUBMITTED, state=state, review_reason=reason or None,
          reviewed_by_id=getattr(actor, "id", None), reviewed_at=now)
    record(organisation.id, actor, f"registration.{decision}", registration.public_id,
           before={"state": SUBMITTED}, after={"state": state, "reason": reason})
    db.session.commit()
    db.session.refresh(registration)
    _tell_candidate(registration)
    return registration


def _tell_candidate(registration: Registration) -> None:
    person = db.session.get(User, registration.user_id) if registration.user_id else None
    if person is None:
        return
    # A decision made from a shell without PUBLIC_BASE_URL has no address to link to.
    link = (external_url("office.my_registrations")
            if current_app.config["PUBLIC_BASE_URL"] or has_request_context() else "")
    title = registration.plan.title
    if registration.state == APPROVED:
        subject = _("Your registration for %(title)s is approved", title=title)
        body = _("Your registration for %(title)s is approved. Your admission ticket follows "
                 "when you are seated for a sitting.\n%(link)s", title=title, link=link)
    elif registration.state == MORE_REQUESTED:
        subject = _("More evidence needed for %(title)s", title=title)
        body = _("The office asks for more evidence for your registration for %(title)s:\n"
                 "%(reason)s\n\nAdd it on your registrations page:\n%(link)s", title=title,
                 reason=registration.review_reason, link=link)
    else:
        subject = _("Your registration for %(title)s is rejected", title=title)
        body = _("Your registration for %(title)s is rejected. The reason:\n%(reason)s\n"
                 "%(link)s", title=title, reason=registration.review_reason, link=link)
    send_mail(person.email, subject, body)
