"""``hold_hearing``: a panel review carried through the product's own services."""

from __future__ import annotations

from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office.models import Plan
from talentpool.rating import hearings, panels

FULL = {"work": 40, "defence": 60}  # 100 points under tests.exam_bank.PANEL_RULE
WEAK = {"work": 20, "defence": 30}  # 50 points


def plan_id_of(attempt) -> str:
    return db.session.get(Plan, attempt.session.plan_id).public_id


def hold_hearing(organisation, attempt, member_emails, points, actor):
    """Appoint the members to the plan's panel, record a defence by the chair and give each
    seated member's ``points`` (one dict for all, or a list, in seat order)."""
    for email in member_emails:
        panels.appoint(organisation, plan_id_of(attempt), email, actor)
    hearing = hearings.hearing_of(attempt.id)
    seats = panels.active_seats(hearing)
    hearings.record_defence(seats[0].member_id, hearing.public_id,
                            [{"question": "How did you check the labels?",
                              "answer": "Double annotation on a 10 % sample."}], "", utcnow())
    given = points if isinstance(points, list) else [points] * len(seats)
    for seat, these in zip(seats, given):
        hearings.submit_scores(seat.member_id, hearing.public_id, these,
                               {"": "Scored against the rubric."})
    return hearings.hearing_of(attempt.id)
