"""A panel review (综合评审) as its seated members hold it: the defence, the scores, the decision.

Only members seated on a hearing see it; to anyone else it does not exist. The chair (the
first member seated, and still seated) records the defence (答辩): the questions put and the
candidate's answers, in order, with notes. Once the defence is recorded, each member scores
the work against the rubric the hearing opened with, criterion by criterion, with a comment,
without seeing anyone else's scores; scores once given are final. When every seated member
has scored, the hearing is decided by the rule it opened with (``panel_rule.PanelRule.decide``)
and the attempt with it: passed, or failed. The certificate of a pass follows the publication
of the sitting's results (``office.publication``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from talentpool.accounts.models import User
from talentpool.assessment.exam import commit_and_notify
from talentpool.assessment.models import ExamAttempt
from talentpool.assessment.panel_rule import PanelRule
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office.models import Plan, Registration
from talentpool.organisations.audit import record
from talentpool.rating.panel_models import DECIDED, OPEN, PanelHearing, PanelSeat, WorkSummary
from talentpool.rating.panels import PanelError, active_seats
from talentpool.scoring import ScoringError
from talentpool.scoring.rubric import RubricScorer

MAX_QUESTIONS = 30
MAX_QUESTION = 1000
MAX_ANSWER = 4000
MAX_NOTES = 8000
MAX_COMMENT = 2000


def seats_of(user_id: int) -> list[PanelSeat]:
    """The member's seats (withdrawn ones left out), hearings still open first."""
    seats = db.session.scalars(select(PanelSeat).join(
        PanelHearing, PanelHearing.id == PanelSeat.hearing_id).where(
        PanelSeat.member_id == user_id, PanelSeat.withdrawn_at.is_(None))
        .order_by(PanelHearing.opened_at))
    return sorted(seats, key=lambda s: s.hearing.state == DECIDED)


def own_seat(user_id: int, hearing_public_id: str) -> PanelSeat:
    """The member's seat on the hearing; a hearing they do not sit on does not exist."""
    found = db.session.scalar(select(PanelSeat).join(
        PanelHearing, PanelHearing.id == PanelSeat.hearing_id).where(
        PanelHearing.public_id == hearing_public_id, PanelSeat.member_id == user_id,
        PanelSeat.withdrawn_at.is_(None)))
    if found is None:
        raise PanelError(_("There is no such hearing on your list."))
    return found


def chair(hearing: PanelHearing) -> PanelSeat | None:
    seats = active_seats(hearing)
    return seats[0] if seats else None


def rule_of(hearing: PanelHearing) -> PanelRule:
    return PanelRule.from_record(hearing.rule)


def registration_of(hearing: PanelHearing) -> Registration | None:
    """The candidate's registration seated at the attempt's sitting (name, ticket)."""
    attempt = db.session.get(ExamAttempt, hearing.attempt_id)
    return db.session.scalar(select(Registration).where(
        Registration.sitting_id == attempt.session_id, Registration.user_id == attempt.user_id))


def summary_of(hearing: PanelHearing) -> WorkSummary | None:
    """The work summary the candidate handed in with that registration."""
    registration = registration_of(hearing)
    return None if registration is None else db.session.scalar(select(WorkSummary).where(
        WorkSummary.registration_id == registration.id))


@dataclass(frozen=True)
class HearingRow:
    """A hearing as the office follows it."""

    hearing: PanelHearing
    registration: Registration | None
    seats: list[PanelSeat]
    scored: int
    short: int  # members still to be seated


def hearings_of_plan(plan: Plan) -> list[HearingRow]:
    rows = []
    for found in db.session.scalars(select(PanelHearing).where(PanelHearing.plan_id == plan.id)
                                    .order_by(PanelHearing.opened_at)):
        seats = active_seats(found)
        rows.append(HearingRow(found, registration_of(found), seats,
                               sum(1 for s in seats if s.submitted_at),
                               max(0, found.rule["members"] - len(seats))))
    return rows


def rule_for_level(level: int) -> PanelRule | None:
    from talentpool.assessment import pools

    return pools.scheme().levels[level].panel_review


def record_defence(user_id: int, hearing_public_id: str, questions: list[dict], notes: str,
                   held_at: datetime, now: datetime | None = None) -> PanelHearing:
    """The chair records the defence (questions and answers, notes); it may be corrected until
    the first member has scored. Commits."""
    now = now or utcnow()
    own = own_seat(user_id, hearing_public_id)
    hearing = own.hearing
    if hearing.state != OPEN:
        raise PanelError(_("This hearing is not open: it is decided or still short of "
                           "members."))
    if chair(hearing) is not own:
        raise PanelError(_("Only the chair of the panel records the defence."))
    if any(s.submitted_at for s in active_seats(hearing)):
        raise PanelError(_("Scores are already in; the defence record can no longer change."))
    cleaned = [{"question": (q.get("question") or "").strip(),
                "answer": (q.get("answer") or "").strip()} for q in questions]
    cleaned = [q for q in cleaned if q["question"] or q["answer"]]
    if not cleaned or any(not q["question"] or not q["answer"] for q in cleaned):
        raise PanelError(_("Record at least one question, each with the candidate's answer."))
    if len(cleaned) > MAX_QUESTIONS or any(
            len(q["question"]) > MAX_QUESTION or len(q["answer"]) > MAX_ANSWER for q in cleaned):
        raise PanelError(_("At most %(n)d questions, each up to %(q)d characters with an answer "
                           "up to %(a)d.", n=MAX_QUESTIONS, q=MAX_QUESTION, a=MAX_ANSWER))
    if len(notes or "") > MAX_NOTES:
        raise PanelError(_("The notes are longer than %(limit)d characters.", limit=MAX_NOTES))
    if held_at > now:
        raise PanelError(_("The defence cannot be recorded before it is held."))
    hearing.defence_questions, hearing.defence_notes = cleaned, (notes or "").strip()
    hearing.defence_held_at, hearing.defence_recorded_by_id = held_at, user_id
    record(_organisation(hearing), db.session.get(User, user_id), "panel.defence",
           hearing.public_id, {}, {"questions": len(cleaned)}, now)
    db.session.commit()
    return hearing


def submit_scores(user_id: int, hearing_public_id: str, points: object, comments: object,
                  now: datetime | None = None) -> PanelSeat:
    """A member's own scores against the hearing's rubric, final once given; the last of them
    decides the hearing. Commits."""
    now = now or utcnow()
    own = own_seat(user_id, hearing_public_id)
    hearing = own.hearing
    if hearing.state != OPEN or own.submitted_at is not None:
        raise PanelError(_("Your scores for this hearing are already in, or it is not open."))
    if hearing.defence_held_at is None:
        raise PanelError(_("Score after the defence: the chair records it first."))
    rubric = {"rubric": hearing.rule["rubric"]}
    try:
        given = RubricScorer().validate_rating(rubric, {"points": points})
    except ScoringError as error:
        raise PanelError(_("The scores are incomplete or not the rubric's levels: %(problem)s",
                           problem=error.problem)) from None
    texts = comments if isinstance(comments, dict) else {}
    kept = {key: str(texts[key]).strip() for key in [*given, ""]
            if isinstance(texts.get(key), str) and str(texts[key]).strip()}
    if not kept.get(""):
        raise PanelError(_("Write an overall comment on the candidate's work and defence."))
    if any(len(text) > MAX_COMMENT for text in kept.values()):
        raise PanelError(_("A comment is longer than %(limit)d characters.", limit=MAX_COMMENT))
    own.points, own.comments, own.total = given, kept, float(sum(given.values()))
    own.submitted_at = now
    member = db.session.get(User, user_id)
    record(_organisation(hearing), member, "panel.score", hearing.public_id, {},
           {"total": own.total}, now)
    seats = active_seats(hearing)
    if len(seats) == hearing.rule["members"] and all(s.submitted_at for s in seats):
        _decide(hearing, [s.total for s in seats], member, now)
    else:
        db.session.commit()
    return own


def _decide(hearing: PanelHearing, totals: list[float], last_member: User,
            now: datetime) -> None:
    """Decide by the hearing's rule; the audit entry names the member whose scores completed
    the panel."""
    score, passed = rule_of(hearing).decide(totals)
    hearing.panel_score, hearing.passed = score, passed
    hearing.state, hearing.decided_at = DECIDED, now
    attempt = db.session.get(ExamAttempt, hearing.attempt_id)
    attempt.panel_score, attempt.passed = score, passed
    attempt.state = "passed" if passed else "failed"
    record(_organisation(hearing), last_member, "panel.decide", attempt.public_id,
           {"state": "awaiting_panel"},
           {"state": attempt.state, "panel_score": score, "totals": totals,
            "rule": hearing.rule["rule"]}, now)
    commit_and_notify(attempt)


def hearing_of(attempt_id: int) -> PanelHearing | None:
    return db.session.scalar(select(PanelHearing).where(PanelHearing.attempt_id == attempt_id))


def panel_passed(attempt: ExamAttempt) -> bool:
    """Whether the attempt's panel score passes: its hearing's decision while the score is the
    hearing's own, else (a score changed on appeal) the score against the hearing's pass mark."""
    hearing = hearing_of(attempt.id)
    if hearing is not None and hearing.passed is not None \
            and hearing.panel_score == attempt.panel_score:
        return hearing.passed
    if hearing is not None:
        return attempt.panel_score >= float(hearing.rule["pass_mark"])
    from talentpool.assessment import pools

    return attempt.panel_score >= pools.scheme().levels[attempt.level].panel_review.pass_mark


def members_who_scored(attempt_id: int) -> set[int]:
    hearing = hearing_of(attempt_id)
    return {s.member_id for s in hearing.seats if s.submitted_at} if hearing else set()


def _organisation(hearing: PanelHearing) -> int:
    return db.session.get(Plan, hearing.plan_id).organisation_id
