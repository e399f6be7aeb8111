"""The office's side of rating: what waits for raters, drawing raters where a task is short,
declared conflicts of interest, and a rater's recusal.

Overdue scores: the daily job mails each rater with answers past their due date
(``remind_overdue``), and the office may take an overdue answer off its rater and draw another
(``reassign``).

A task is *short* when fewer active assignments exist than it needs (the organisation had too
few eligible raters when it was drawn, or one was withdrawn), or when it waits for an
adjudicator and has none. Withdrawing an unscored assignment (a conflict declared by the
office, or the rater's own recusal) keeps the row for the record and draws a replacement at
once if an eligible rater is left. Every action is in the organisation's audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from talentpool.accounts.models import User
from talentpool.accounts.service import find_user_by_email
from talentpool.assessment.models import ExamAttempt, ExamSession
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.organisations.audit import record
from talentpool.organisations.models import OfficeRole, Organisation, OrganisationMember
from talentpool.rating.models import (
    ADJUDICATION, ADJUDICATOR, FINAL, RATER, RaterConflict, RatingAssignment, RatingTask,
)
from talentpool.rating import panels
from talentpool.rating.service import MAX_COMMENT, RatingError, draw, own_assignment


@dataclass(frozen=True)
class TaskRow:
    """One task that is not final yet, as the office sees it."""

    task: RatingTask
    session: ExamSession
    active: list[RatingAssignment]
    missing: int  # raters (or the adjudicator) still to be drawn
    overdue: int  # active unscored assignments past their due date


def active(task: RatingTask) -> list[RatingAssignment]:
    return [a for a in task.assignments if a.withdrawn_at is None]


def missing(task: RatingTask) -> int:
    """Raters still to be drawn for the task's current stage."""
    if task.state == ADJUDICATION:
        return 0 if any(a.role == ADJUDICATOR for a in active(task)) else 1
    return max(0, task.raters_needed - sum(a.role == RATER for a in active(task)))


def overview(organisation: Organisation, now: datetime | None = None) -> list[TaskRow]:
    """The organisation's tasks that are not final, short and overdue ones first."""
    now = now or utcnow()
    rows = db.session.execute(
        select(RatingTask, ExamSession)
        .join(ExamAttempt, ExamAttempt.id == RatingTask.attempt_id)
        .join(ExamSession, ExamSession.id == ExamAttempt.session_id)
        .where(RatingTask.organisation_id == organisation.id, RatingTask.state != FINAL)
        .order_by(RatingTask.created_at, RatingTask.id)).all()
    result = [TaskRow(task, session, active(task), missing(task),
                      sum(a.submitted_at is None and a.due_at < now for a in active(task)))
              for task, session in rows]
    return sorted(result, key=lambda row: (-row.missing, -row.overdue))


def _own_task(organisation: Organisation, public_id: str) -> RatingTask:
    task = db.session.scalar(select(RatingTask).where(
        RatingTask.public_id == public_id, RatingTask.organisation_id == organisation.id))
    if task is None:
        raise RatingError(_("No such rating task of this organisation."))
    return task


def fill(organisation: Organisation, task_public_id: str, actor,
         now: datetime | None = None) -> int:
    """Draw the raters (or the adjudicator) a task still lacks; returns how many were drawn."""
    now = now or utcnow()
    task = _own_task(organisation, task_public_id)
    needed = missing(task)
    if task.state == FINAL or not needed:
        raise RatingError(_("This task already has the raters it needs."))
    candidate = db.session.get(ExamAttempt, task.attempt_id).user_id
    role = ADJUDICATOR if task.state == ADJUDICATION else RATER
    drawn = draw(task, candidate, needed, role, now)
    if not drawn:
        raise RatingError(_("No eligible rater is left for this task: appoint more raters "
                            "(someone who neither teaches the candidate nor declared a "
                            "conflict)."))
    record(organisation.id, actor, "rating.fill", task.public_id, {},
           {"drawn": len(drawn), "role": role})
    db.session.commit()
    return len(drawn)


def _withdraw(assignment: RatingAssignment, actor, reason: str,
              now: datetime) -> RatingAssignment | None:
    """Take an unscored assignment off its rater and draw a replacement if one is eligible;
    the replacement, or None."""
    task = assignment.task
    assignment.withdrawn_at = now
    candidate = db.session.get(ExamAttempt, task.attempt_id).user_id
    drawn = draw(task, candidate, 1, assignment.role, now)
    record(task.organisation_id, actor, "rating.withdraw", task.public_id,
           {"rater": assignment.rater_id},
           {"reason": reason, "replacement": drawn[0].rater_id if drawn else None})
    return drawn[0] if drawn else None


def declare_conflict(organisation: Organisation, rater_email: str, candidate_email: str,
                     reason: str, actor, now: datetime | None = None) -> RaterConflict:
    """Record that a rater or panel member must never score or review a candidate's work; their
    unscored assignments and panel seats for that candidate are withdrawn and replaced."""
    now = now or utcnow()
    rater = find_user_by_email(rater_email or "")
    candidate = find_user_by_email(candidate_email or "")
    is_rater = rater is not None and db.session.scalar(select(OrganisationMember.id).where(
        OrganisationMember.organisation_id == organisation.id,
        OrganisationMember.user_id == rater.id,
        OrganisationMember.role.in_((OfficeRole.RATER, OfficeRole.PANEL_MEMBER))).limit(1))
    if not is_rater:
        raise RatingError(_("%(email)s is neither a rater nor a panel member of this "
                            "organisation.", email=(rater_email or "")[:254]))
    if candidate is None:
        raise RatingError(_("No account has the e-mail address %(email)s.",
                            email=(candidate_email or "")[:254]))
    if len(reason or "") > MAX_COMMENT:
        raise RatingError(_("The reason is longer than %(limit)d characters.", limit=MAX_COMMENT))
    exists = db.session.scalar(select(RaterConflict).where(
        RaterConflict.organisation_id == organisation.id, RaterConflict.rater_id == rater.id,
        RaterConflict.candidate_id == candidate.id))
    if exists is not None:
        raise RatingError(_("This conflict is already declared."))
    conflict = RaterConflict(organisation_id=organisation.id, rater_id=rater.id,
                             candidate_id=candidate.id, reason=(reason or "").strip(),
                             declared_at=now)
    db.session.add(conflict)
    db.session.flush()
    for assignment in _open_assignments(organisation.id, rater.id, candidate.id):
        _withdraw(assignment, actor, "conflict", now)
    panels.withdraw_conflicted(organisation.id, rater.id, candidate.id, actor, now)
    record(organisation.id, actor, "rating.conflict", rater.email, {},
           {"candidate": candidate.email, "reason": conflict.reason})
    db.session.commit()
    return conflict


def _open_assignments(organisation_id: int, rater_id: int, candidate_id: int):
    return db.session.scalars(
        select(RatingAssignment).join(RatingTask, RatingTask.id == RatingAssignment.task_id)
        .join(ExamAttempt, ExamAttempt.id == RatingTask.attempt_id)
        .where(RatingTask.organisation_id == organisation_id,
               RatingAssignment.rater_id == rater_id, ExamAttempt.user_id == candidate_id,
               RatingAssignment.submitted_at.is_(None),
               RatingAssignment.withdrawn_at.is_(None), RatingTask.state != FINAL)).all()


def conflicts(organisation: Organisation) -> list[tuple[RaterConflict, User, User]]:
    rater, candidate = db.aliased(User), db.aliased(User)
    return list(db.session.execute(
        select(RaterConflict, rater, candidate)
        .join(rater, rater.id == RaterConflict.rater_id)
        .join(candidate, candidate.id == RaterConflict.candidate_id)
        .where(RaterConflict.organisation_id == organisation.id)
        .order_by(RaterConflict.declared_at.desc())).all())


def recuse(user_id: int, public_id: str, now: datetime | None = None) -> None:
    """The rater recognises the answer's author (or has another conflict): the conflict is
    recorded, and the answer goes to another rater. The rater never learns more about the
    candidate than they recognised."""
    now = now or utcnow()
    assignment = own_assignment(user_id, public_id)
    if assignment.submitted_at is not None or assignment.withdrawn_at is not None:
        raise RatingError(_("This answer no longer waits for your scoring."))
    task = assignment.task
    candidate = db.session.get(ExamAttempt, task.attempt_id).user_id
    if db.session.scalar(select(RaterConflict.id).where(
            RaterConflict.organisation_id == task.organisation_id,
            RaterConflict.rater_id == user_id, RaterConflict.candidate_id == candidate)) is None:
        db.session.add(RaterConflict(organisation_id=task.organisation_id, rater_id=user_id,
                                     candidate_id=candidate, reason="recused", declared_at=now))
    _withdraw(assignment, db.session.get(User, user_id), "recused", now)
    db.session.commit()


def reassign(organisation: Organisation, assignment_public_id: str, actor,
             now: datetime | None = None) -> RatingAssignment | None:
    """Take an overdue, unscored assignment off its rater and draw another; returns the new
    assignment (None when no eligible rater is left, the task then shows a rater missing)."""
    now = now or utcnow()
    assignment = db.session.scalar(
        select(RatingAssignment).join(RatingTask, RatingTask.id == RatingAssignment.task_id)
        .where(RatingAssignment.public_id == assignment_public_id,
               RatingTask.organisation_id == organisation.id))
    if assignment is None or assignment.submitted_at is not None \
            or assignment.withdrawn_at is not None or assignment.task.state == FINAL:
        raise RatingError(_("This assignment no longer waits for a score."))
    if assignment.due_at >= now:
        raise RatingError(_("This assignment is not overdue yet."))
    replacement = _withdraw(assignment, actor, "overdue", now)
    db.session.commit()
    return replacement


def remind_overdue(now: datetime | None = None) -> str:
    """The daily job: mail every rater who has overdue answers to score (no change)."""
    from talentpool.accounts.mail import send_mail

    now = now or utcnow()
    late = db.session.execute(
        select(RatingAssignment.rater_id, func.count(RatingAssignment.id))
        .join(RatingTask, RatingTask.id == RatingAssignment.task_id)
        .where(RatingAssignment.submitted_at.is_(None), RatingAssignment.withdrawn_at.is_(None),
               RatingAssignment.due_at < now, RatingAssignment.rater_id.is_not(None),
               RatingTask.state != FINAL)
        .group_by(RatingAssignment.rater_id)).all()
    for rater_id, count in late:
        person = db.session.get(User, rater_id)
        send_mail(person.email, _("Written work to score is overdue"),
                  _("%(n)d written answer(s) assigned to you are past their due date. Open your "
                    "rating queue in talentpool to score them, or tell the exam office.",
                    n=count))
    return f"reminded {len(late)} raters"
