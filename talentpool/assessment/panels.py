"""Panel reviews (综合评审) of level 2 and 1 attempts, decided only by appointed people.

Whoever runs a session appoints its panel (``SessionAppointment``, duty ``panel``) from the
people its evaluation organisation has appointed as panel members (评审专家). A panel
member sees and decides only the attempts of the sessions they are appointed to, and never an
attempt of a candidate they teach (staff of an institution one of whose cohorts the candidate
belongs to must stand aside: 回避). Administrators are no exception: they decide a review only
where they are appointed.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from talentpool.accounts.models import User
from talentpool.accounts.service import find_user_by_email
from talentpool.assessment.exam import ExamError, commit_and_notify
from talentpool.assessment.models import ExamAttempt, ExamSession, PanelReview, SessionAppointment
from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.organisations.audit import record as audit
from talentpool.organisations.models import OfficeRole
from talentpool.organisations.office import roles_in

PANEL = "panel"
PANEL_CUT = 60.0
PANEL_ROLES = (Role.ADMIN, Role.INSTITUTION_STAFF)


def appoint(session_public_id: str, email: str, appointer: User) -> SessionAppointment:
    """Appoint the staff account with ``email``, a panel member of the session's organisation,
    to the session's panel; commits."""
    session = _session(session_public_id)
    person = find_user_by_email(email or "")
    if person is None or person.role not in PANEL_ROLES or not person.active:
        raise ExamError(_("No active staff or administrator account has the address "
                          "%(email)s.", email=(email or "").strip()))
    if OfficeRole.PANEL_MEMBER not in roles_in(person.id, session.organisation_id):
        raise ExamError(_("%(email)s is not a panel member of %(organisation)s: its office "
                          "administrator appoints panel members first.", email=person.email,
                          organisation=session.organisation.name))
    row = SessionAppointment(session_id=session.id, user_id=person.id, duty=PANEL,
                             appointed_by_id=appointer.id, appointed_at=utcnow())
    db.session.add(row)
    audit(session.organisation_id, appointer, "panel.appoint", session.public_id,
          after={"member": person.email})
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ExamError(_("%(email)s is already on this session's panel.",
                          email=person.email)) from None
    return row


def dismiss(session_public_id: str, user_public_id: str, actor=None) -> None:
    """Remove a person from the session's panel; commits."""
    session = _session(session_public_id)
    person = db.session.scalar(select(User).where(User.public_id == user_public_id))
    if person is not None:
        removed = db.session.execute(delete(SessionAppointment).where(
            SessionAppointment.session_id == session.id,
            SessionAppointment.user_id == person.id, SessionAppointment.duty == PANEL))
        if removed.rowcount:
            audit(session.organisation_id, actor, "panel.dismiss", session.public_id,
                  before={"member": person.email})
        db.session.commit()


def panel_of(session_id: int) -> list[SessionAppointment]:
    return list(db.session.scalars(select(SessionAppointment).where(
        SessionAppointment.session_id == session_id, SessionAppointment.duty == PANEL)
        .order_by(SessionAppointment.appointed_at)))


def _session(public_id: str) -> ExamSession:
    session = db.session.scalar(select(ExamSession).where(ExamSession.public_id == public_id))
    if session is None:
        raise ExamError(_("There is no such session."))
    return session


def teaches(reviewer_id: int, candidate_id: int) -> bool:
    """Whether the reviewer is staff of an institution that runs a cohort of the candidate."""
    from talentpool.cohorts.models import Cohort, Enrolment, InstitutionMember

    return db.session.scalar(
        select(InstitutionMember.id)
        .join(Cohort, Cohort.institution_id == InstitutionMember.institution_id)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(InstitutionMember.user_id == reviewer_id, Enrolment.user_id == candidate_id)
        .limit(1)) is not None


def awaiting_review_by(reviewer_id: int) -> list[ExamAttempt]:
    """Attempts waiting for a panel review at sessions where the reviewer sits on the panel,
    without the candidates the reviewer teaches."""
    attempts = db.session.scalars(
        select(ExamAttempt)
        .join(SessionAppointment, SessionAppointment.session_id == ExamAttempt.session_id)
        .where(ExamAttempt.state == "awaiting_panel", SessionAppointment.duty == PANEL,
               SessionAppointment.user_id == reviewer_id)
        .order_by(ExamAttempt.finished_at))
    return [a for a in attempts if not teaches(reviewer_id, a.user_id)]


def may_review(reviewer_id: int, attempt: ExamAttempt) -> bool:
    appointed = db.session.scalar(select(SessionAppointment.id).where(
        SessionAppointment.session_id == attempt.session_id, SessionAppointment.duty == PANEL,
        SessionAppointment.user_id == reviewer_id)) is not None
    return appointed and not teaches(reviewer_id, attempt.user_id)


def record_review(attempt_public_id: str, reviewer_id: int, score: float, comment: str,
                  now: datetime | None = None) -> ExamAttempt:
    """Record an appointed panel member's review (one commit); the certificate of a pass
    follows the publication of the sitting's results (``office.publication``).

    An attempt the reviewer may not decide is reported exactly like one that does not exist."""
    now = now or utcnow()
    attempt = db.session.scalar(select(ExamAttempt).where(
        ExamAttempt.public_id == attempt_public_id))
    if attempt is None or attempt.state != "awaiting_panel" or not may_review(reviewer_id,
                                                                                attempt):
        raise ExamError(_("This attempt is not waiting for a panel review by you."))
    if not 0 <= score <= 100 or not comment.strip():
        raise ExamError(_("Give a score from 0 to 100 and a comment."))
    db.session.add(PanelReview(attempt_id=attempt.id, reviewer_id=reviewer_id, score=score,
                               comment=comment.strip()[:4000], created_at=now))
    attempt.panel_score = score
    attempt.passed = score >= PANEL_CUT
    attempt.state = "passed" if attempt.passed else "failed"
    audit(attempt.session.organisation_id, db.session.get(User, reviewer_id), "panel.review",
          attempt.public_id, {"state": "awaiting_panel"},
          {"state": attempt.state, "panel_score": score})
    try:
        commit_and_notify(attempt)
    except IntegrityError:
        db.session.rollback()
        raise ExamError(_("This attempt is not waiting for a panel review by you.")) from None
    return attempt
