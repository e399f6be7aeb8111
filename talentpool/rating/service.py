"""Blind multi-rater scoring of written work (rubric answers).

When an attempt's rated part ends, each of its answers with content becomes a rating task (a
blank answer scores 0 without anyone's time). The task goes to the part's number of raters
(``PartRule.raters``: 2, or 3 at levels 2 and 1, from the scheme), drawn at random from the
raters (考评员) of the organisation running the sitting — never the candidate, anyone who
teaches them (an institution's staff in one of their cohorts), or anyone who declared a
conflict with them. Raters see the task, the answer and the marking notes, never the
candidate's name or account, and score every criterion with an optional comment, by a due date
(``RATING_DAYS``, default 5).

When every rater has scored, the task settles:

* if the largest difference between two raters' totals is at most the part's
  ``adjudication_gap`` × the task's maximum points, the final points of each criterion are the
  raters' mean;
* otherwise an adjudicator — another eligible rater who has not scored it — scores it again,
  and the adjudicator's points are final (the usual third-marker rule: the two disagreeing
  marks are not averaged with it).

The final value (Σ points / Σ maximum, ``rubric.score_points``) is written to the answer. When
every answer of the sitting is final, the sitting's written work is adjusted for rater severity
where the design allows and its attempts are decided together (``severity``).
Every scoring, adjudication and reassignment is in the organisation's audit log.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from talentpool.accounts.mail import send_mail
from talentpool.accounts.models import User
from talentpool.assessment import exam_bank, pools
from talentpool.assessment.models import ExamAttempt, ExamResponse, Item
from talentpool.cohorts.service import teaches
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.organisations.audit import record
from talentpool.organisations.models import OfficeRole, OrganisationMember
from talentpool.rating import severity
from talentpool.rating.models import (
    ADJUDICATION, ADJUDICATOR, BY_ADJUDICATOR, BY_MEAN, FINAL, RATER, RATING, RaterConflict,
    RatingAssignment, RatingTask,
)
from talentpool.scoring import ScoringError, categorize, get_scorer
from talentpool.scoring.rubric import max_points

MAX_COMMENT = 2000


class RatingError(Exception):
    """A refused rating action; ``str(error)`` says what went wrong."""


def open_tasks(attempt: ExamAttempt, now: datetime) -> list[RatingTask]:
    """Create the rating tasks of the attempt's rated answers and assign their raters (no
    commit: part of the exam's own transaction)."""
    rule = pools.scheme().levels[attempt.level].practical
    rows = db.session.scalars(select(ExamResponse).where(
        ExamResponse.attempt_id == attempt.id, ExamResponse.part == "practical",
        ExamResponse.score.is_(None)).order_by(ExamResponse.position)).all()
    tasks = []
    for response in rows:
        task = RatingTask(response_id=response.id, attempt_id=attempt.id,
                          item_id=response.item_id,
                          organisation_id=attempt.session.organisation_id, level=attempt.level,
                          raters_needed=rule.raters, gap_allowed=rule.adjudication_gap,
                          created_at=now)
        db.session.add(task)
        db.session.flush()
        draw(task, attempt.user_id, rule.raters, RATER, now)
        tasks.append(task)
    return tasks


def eligible_raters(task: RatingTask, candidate_id: int) -> list[User]:
    """The organisation's active raters who may score this task (see the module docstring),
    leaving out anyone already assigned to it."""
    taken = {a.rater_id for a in task.assignments}
    conflicts = set(db.session.scalars(select(RaterConflict.rater_id).where(
        RaterConflict.organisation_id == task.organisation_id,
        RaterConflict.candidate_id == candidate_id)))
    people = db.session.scalars(select(User).join(
        OrganisationMember, OrganisationMember.user_id == User.id).where(
        OrganisationMember.organisation_id == task.organisation_id,
        OrganisationMember.role == OfficeRole.RATER, User.active.is_(True))
        .distinct().order_by(User.id)).all()
    return [person for person in people
            if person.id != candidate_id and person.id not in taken
            and person.id not in conflicts and not teaches(person.id, candidate_id)]


def draw(task: RatingTask, candidate_id: int, count: int, role: str,
         now: datetime) -> list[RatingAssignment]:
    """Draw ``count`` raters at random among the eligible (fewer if fewer are eligible: the
    office sees the task as short of raters)."""
    eligible = eligible_raters(task, candidate_id)
    chosen = random.Random(int(exam_bank.exam_rng().integers(2**63))).sample(
        eligible, min(count, len(eligible)))
    due = now + timedelta(days=current_app.config["RATING_DAYS"])
    made = []
    for person in chosen:
        assignment = RatingAssignment(task_id=task.id, rater_id=person.id, role=role,
                                      assigned_at=now, due_at=due)
        task.assignments.append(assignment)
        made.append(assignment)
        send_mail(person.email, _("Written work to score"),
                  _("A written answer is waiting for your scoring by %(due)s. Open your "
                    "rating queue in talentpool to score it.", due=due.strftime("%Y-%m-%d")))
    return made


def queue_of(user_id: int) -> list[RatingAssignment]:
    """The person's assignments that wait for their scoring, the earliest due first."""
    return list(db.session.scalars(
        select(RatingAssignment).join(RatingTask, RatingTask.id == RatingAssignment.task_id)
        .where(RatingAssignment.rater_id == user_id, RatingAssignment.submitted_at.is_(None),
               RatingAssignment.withdrawn_at.is_(None),
               RatingTask.state.in_((RATING, ADJUDICATION)))
        .order_by(RatingAssignment.due_at, RatingAssignment.id)))


def own_assignment(user_id: int, public_id: str) -> RatingAssignment:
    """The person's assignment by its public id; refused if it is someone else's."""
    assignment = db.session.scalar(select(RatingAssignment).where(
        RatingAssignment.public_id == public_id))
    if assignment is None or assignment.rater_id != user_id:
        raise RatingError(_("This answer is not assigned to you."))
    return assignment


def submit_rating(user_id: int, public_id: str, points: object, comments: object,
                  now: datetime | None = None) -> RatingAssignment:
    """Store one rater's points (and comments) for their assignment; settle the task."""
    now = now or utcnow()
    assignment = own_assignment(user_id, public_id)
    task = assignment.task
    if assignment.submitted_at is not None:
        raise RatingError(_("You have already scored this answer; scores cannot be changed."))
    if assignment.withdrawn_at is not None:
        raise RatingError(_("This answer was taken off your queue and given to another rater."))
    expected = ADJUDICATION if assignment.role == ADJUDICATOR else RATING
    if task.state != expected:
        raise RatingError(_("This answer no longer waits for your scoring."))
    attempt = db.session.get(ExamAttempt, task.attempt_id)
    if teaches(user_id, attempt.user_id):
        raise RatingError(_("You teach this candidate, so you cannot score their work. Ask "
                            "the exam office to reassign it."))
    item = db.session.get(Item, task.item_id)
    try:
        given = get_scorer(item.type_id).validate_rating(item.spec, {"points": points})
    except ScoringError as error:
        raise RatingError(_("The scores could not be saved: %(problem)s", problem=error)) \
            from None
    assignment.points, assignment.comments = given, _checked_comments(item, comments)
    assignment.submitted_at = now
    record(task.organisation_id, db.session.get(User, user_id),
           "rating.adjudicated" if assignment.role == ADJUDICATOR else "rating.scored",
           task.public_id, {}, {"points": given, "role": assignment.role})
    _settle(task, attempt, item, now)
    db.session.commit()
    return assignment


def _checked_comments(item: Item, comments: object) -> dict[str, str]:
    if comments is None:
        return {}
    allowed = {c["id"] for c in item.spec["rubric"]["criteria"]} | {""}
    if not isinstance(comments, dict) or not all(
            isinstance(key, str) and key in allowed and isinstance(text, str)
            for key, text in comments.items()):
        raise RatingError(_("Comments must be given per criterion of this task."))
    too_long = [key for key, text in comments.items() if len(text) > MAX_COMMENT]
    if too_long:
        raise RatingError(_("A comment is longer than %(limit)d characters.", limit=MAX_COMMENT))
    return {key: text.strip() for key, text in comments.items() if text.strip()}


def _settle(task: RatingTask, attempt: ExamAttempt, item: Item, now: datetime) -> None:
    """Finalise the task, or send it to adjudication, once enough ratings are in."""
    done = [a for a in task.assignments if a.role == RATER and a.submitted_at is not None]
    if task.state == ADJUDICATION:
        final = next((a for a in task.assignments
                      if a.role == ADJUDICATOR and a.submitted_at is not None), None)
        if final is not None:
            _finalise(task, attempt, item, dict(final.points), BY_ADJUDICATOR, now)
        return
    if len(done) < task.raters_needed:
        return
    totals = [sum(a.points.values()) for a in done]
    if max(totals) - min(totals) > task.gap_allowed * max_points(item.spec) + 1e-9:
        task.state = ADJUDICATION
        draw(task, attempt.user_id, 1, ADJUDICATOR, now)
        return
    mean = {c["id"]: sum(a.points[c["id"]] for a in done) / len(done)
            for c in item.spec["rubric"]["criteria"]}
    _finalise(task, attempt, item, mean, BY_MEAN, now)


def _finalise(task: RatingTask, attempt: ExamAttempt, item: Item, points: dict[str, float],
              how: str, now: datetime) -> None:
    scored = get_scorer(item.type_id).score_points(item.spec, points)
    task.final_points, task.final_value, task.decided_by = points, scored.value, how
    task.state, task.finalised_at = FINAL, now
    response = db.session.get(ExamResponse, task.response_id)
    response.score = scored.value
    response.category = categorize(scored.value, item.thresholds)
    db.session.flush()
    severity.settle_sitting(attempt.session_id, now)


def tasks_of_attempt(attempt_id: int) -> list[RatingTask]:
    return list(db.session.scalars(select(RatingTask).where(
        RatingTask.attempt_id == attempt_id).order_by(RatingTask.id)))
