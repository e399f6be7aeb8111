"""Building blocks for tests of certifying sittings: a plan, a sitting of it, a candidate seated
and checked in, and the published results that release certificates.

They write the rows an office would have made through its pages, so that tests about exams,
grading and certificates need not walk registration and check-in each time; the office's own
tests walk those through its services and pages.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from talentpool.assessment import exam
from talentpool.assessment.models import ExamSession
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office import publication
from talentpool.office.models import (
    APPROVED, PRESENT, SIGN_OFF, Plan, ProctorLogEntry, Registration,
)
from talentpool.organisations import service as organisations


def make_plan(level: int = 5, organisation: str | None = None, batch: str | None = None,
              title: str = "认定计划") -> Plan:
    """A plan of the organisation (default: the default one) whose registration is open."""
    issuer = (organisations.by_slug(organisation) if organisation
              else organisations.default_organisation())
    now = utcnow()
    plan = Plan(organisation_id=issuer.id, level=level, title=title,
                batch=batch or f"B{db.session.scalar(select(db.func.count(Plan.id))) + 1}",
                registration_opens_at=now - timedelta(days=30),
                registration_closes_at=now + timedelta(days=30))
    db.session.add(plan)
    db.session.commit()
    return plan


def make_sitting(level: int = 5, title: str = "Level 5 · sitting",
                 opens_at: datetime | None = None, closes_at: datetime | None = None,
                 organisation: str | None = None, plan: Plan | None = None,
                 cohort_id: int | None = None) -> ExamSession:
    """A certifying sitting (of ``plan``, or of a new plan), open from an hour ago for a day."""
    now = utcnow()
    plan = plan or make_plan(level, organisation)
    issuer = db.session.get(organisations.Organisation, plan.organisation_id)
    return exam.create_session(level, title, opens_at or now - timedelta(hours=1),
                               closes_at or now + timedelta(days=1), None, cohort_id=cohort_id,
                               organisation=issuer.slug, plan_id=plan.id, room="101")


def seat(session: ExamSession | str, user_id: int, name: str | None = None) -> Registration:
    """Register the person (under ``name``, default their display name) for the sitting's plan,
    approved, seated and checked in as present."""
    from talentpool.accounts.models import User

    name = name or db.session.get(User, user_id).display_name
    if isinstance(session, str):
        session = db.session.scalar(select(ExamSession).where(ExamSession.public_id == session))
    registration = db.session.scalar(select(Registration).where(
        Registration.plan_id == session.plan_id, Registration.user_id == user_id))
    if registration is None:
        registration = Registration(plan_id=session.plan_id, user_id=user_id,
                                    candidate_name=name, route="test")
        db.session.add(registration)
    seats = db.session.scalar(select(db.func.count(Registration.id)).where(
        Registration.sitting_id == session.id))
    registration.state, registration.sitting_id = APPROVED, session.id
    registration.seat = registration.seat or f"{seats + 1:03d}"
    registration.attendance, registration.checked_in_at = PRESENT, utcnow()
    db.session.commit()
    return registration


def publish_now(session: ExamSession | str, appeal_window_days: int | None = None,
                now: datetime | None = None) -> ExamSession:
    """Sign the sitting off and publish its results (optionally with another appeal window)."""
    if isinstance(session, str):
        session = db.session.scalar(select(ExamSession).where(ExamSession.public_id == session))
    organisation = session.organisation
    if appeal_window_days is not None:
        organisation.appeal_window_days = appeal_window_days
    db.session.add(ProctorLogEntry(session_id=session.id, kind=SIGN_OFF, actor="supervisor"))
    db.session.commit()
    return publication.publish(organisation, session.public_id, None, now=now)


def seat_signed_in(client, session_public_id: str, name: str | None = None) -> None:
    """Seat and check in the person signed in on ``client`` when the session is a certifying
    sitting (a mock exam needs neither)."""
    with client.session_transaction() as cookie:
        user_id = cookie.get("_user_id")
    with client.application.app_context():
        session = db.session.scalar(select(ExamSession).where(
            ExamSession.public_id == session_public_id))
        if user_id is not None and session is not None and session.certifying:
            seat(session, int(user_id), name)


def certificate_of(attempt_public_id: str) -> str | None:
    """The serial of the attempt's certificate (None before its release)."""
    from talentpool.assessment.models import ExamAttempt

    return db.session.scalar(select(ExamAttempt.certificate_serial).where(
        ExamAttempt.public_id == attempt_public_id))


def plan_of(session: ExamSession) -> Plan:
    return db.session.get(Plan, session.plan_id)
