"""Publication of a sitting's results (成绩公示) and the certificates that follow.

An organisation's office publishes a certifying sitting's results once every attempt of it is
graded; the candidates are told, and the results may be appealed (复核, ``appeals``) until
``appeal_closes_at`` = publication + the organisation's ``appeal_window_days``. A passed
attempt's certificate is issued when that window has closed and no appeal of the attempt is
open (``release_due``, a scheduled job, and at once when the window is 0 days or an appeal is
decided after it closed). Nothing is issued before publication.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, select

from talentpool.accounts.mail import send_mail
from talentpool.accounts.models import User
from talentpool.assessment import exam
from talentpool.assessment.models import OPEN_STATES, ExamAttempt, ExamSession
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.notifications.service import notify, site_path
from talentpool.office.models import APPEAL_OPEN, SIGN_OFF, Appeal, ProctorLogEntry
from talentpool.organisations.audit import record
from talentpool.organisations.models import Organisation
from talentpool.timezones import local_text


class PublicationError(Exception):
    """The results cannot be published now; ``str(error)`` says why (translated)."""


def own_sitting(organisation: Organisation, session_public_id: str) -> ExamSession | None:
    """The organisation's certifying sitting with this id, or None."""
    session = db.session.scalar(select(ExamSession).where(
        ExamSession.public_id == session_public_id))
    if session is None or session.organisation_id != organisation.id or not session.certifying:
        return None
    return session


def signed_off(session: ExamSession) -> bool:
    """Whether the sitting's supervisor has signed its proctor log off."""
    return bool(db.session.scalar(select(exists().where(
        ProctorLogEntry.session_id == session.id, ProctorLogEntry.kind == SIGN_OFF))))


def publish(organisation: Organisation, session_public_id: str, actor,
            now: datetime | None = None) -> ExamSession:
    """Publish the sitting's graded results and open the appeal window. Commits; then tells
    the candidates, and issues at once when the organisation allows no appeal window."""
    now = (now or utcnow()).replace(microsecond=0)
    session = own_sitting(organisation, session_public_id)
    if session is None:
        raise PublicationError(_("No such sitting of this organisation."))
    if session.results_published_at is not None:
        raise PublicationError(_("These results were already published on %(date)s.",
                                 date=local_text(session.results_published_at)))
    if now < session.closes_at and not signed_off(session):
        raise PublicationError(_("The sitting is open until %(date)s and its supervisor has not "
                                 "signed it off; publish its results after either.",
                                 date=local_text(session.closes_at)))
    pending = db.session.scalar(select(db.func.count()).select_from(ExamAttempt).where(
        ExamAttempt.session_id == session.id,
        ExamAttempt.state.in_((*OPEN_STATES, "awaiting_rating", "awaiting_panel"))))
    if pending:
        raise PublicationError(_("%(count)d attempt(s) are not graded yet (still running, "
                                 "waiting for their raters or for the panel review).",
                                 count=pending))
    session.results_published_at = now
    session.appeal_closes_at = now + timedelta(days=organisation.appeal_window_days)
    record(organisation.id, actor, "results.publish", session.public_id,
           after={"published_at": f"{now:%Y-%m-%dT%H:%M:%SZ}",
                  "appeal_closes_at": f"{session.appeal_closes_at:%Y-%m-%dT%H:%M:%SZ}"})
    _notify_candidates(session)
    db.session.commit()
    _tell_candidates(session)
    if session.appeal_closes_at <= now:
        release_sitting(session, now)
    return session


def _notify_candidates(session: ExamSession) -> None:
    """One in-app notice per candidate, leading to their latest attempt of the sitting (the
    mail of ``_tell_candidates`` stays the e-mail)."""
    latest = dict(db.session.execute(select(ExamAttempt.user_id, ExamAttempt.public_id).where(
        ExamAttempt.session_id == session.id).order_by(ExamAttempt.started_at, ExamAttempt.id)
    ).all())
    for user_id, attempt_public_id in latest.items():
        notify(user_id, "results_published",
               {"title": session.title, "appeal_closes_at": session.appeal_closes_at.isoformat()},
               site_path("exams.attempt", public_id=attempt_public_id), mail=False)


def _tell_candidates(session: ExamSession) -> None:
    people = db.session.scalars(select(User).join(ExamAttempt, ExamAttempt.user_id == User.id)
                                .where(ExamAttempt.session_id == session.id).distinct())
    for person in people:
        send_mail(person.email, _("Your results of %(title)s are published", title=session.title),
                  _("The results of %(title)s are published on your exam page. You may ask "
                    "for a part to be re-scored until %(date)s (%(zone)s).", title=session.title,
                    date=local_text(session.appeal_closes_at, person.timezone),
                    zone=person.timezone))


def may_issue(attempt: ExamAttempt, now: datetime) -> bool:
    """Whether the passed attempt's certificate is due: published, the appeal window closed,
    no open appeal of the attempt, and not issued yet."""
    session = attempt.session
    return (attempt.state == "passed" and attempt.certificate_serial is None
            and session.certifying and session.appeal_closes_at is not None
            and session.appeal_closes_at <= now
            and not db.session.scalar(select(exists().where(
                Appeal.attempt_id == attempt.id, Appeal.state == APPEAL_OPEN))))


def release_attempt(attempt: ExamAttempt, now: datetime | None = None) -> bool:
    """Issue the attempt's certificate if it is due (one commit); whether it was issued."""
    now = now or utcnow()
    if not may_issue(attempt, now):
        return False
    exam.issue_certificate(attempt, attempt.panel_score, now)
    exam.commit_and_notify(attempt)
    return True


def release_sitting(session: ExamSession, now: datetime) -> int:
    """Issue every due certificate of the sitting; how many were issued."""
    attempts = list(db.session.scalars(select(ExamAttempt).where(
        ExamAttempt.session_id == session.id, ExamAttempt.state == "passed",
        ExamAttempt.certificate_serial.is_(None)).order_by(ExamAttempt.id)))
    return sum(release_attempt(attempt, now) for attempt in attempts)


def release_due(now: datetime | None = None) -> str:
    """The scheduled job: issue the certificates whose appeal window has closed (idempotent)."""
    now = now or utcnow()
    sessions = list(db.session.scalars(select(ExamSession).where(
        ExamSession.appeal_closes_at.is_not(None), ExamSession.appeal_closes_at <= now,
        ExamSession.id.in_(select(ExamAttempt.session_id).where(
            ExamAttempt.state == "passed", ExamAttempt.certificate_serial.is_(None))))))
    issued = sum(release_sitting(session, now) for session in sessions)
    return f"issued {issued} certificates"
