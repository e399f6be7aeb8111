"""Panels (综合评审) of levels 2 and 1: who sits on them.

The office administrator of the organisation running a plan appoints its panel from the
people the organisation holds as panel members (评审专家). When a candidate of the plan passes
both exam parts, a hearing opens (``open_hearing``) and seats the scheme's number of members
(``PanelRule.members``: an odd number, at least three) — the plan's members in the order they
were appointed, leaving out anyone who may not sit for this candidate:

* the candidate themselves;
* anyone who teaches them (staff of an institution one of whose cohorts they belong to);
* anyone with a conflict of interest declared for them (``RaterConflict``, kept by the office
  for raters and panel members alike);
* anyone whose seat on this hearing was withdrawn before (recusal, conflict, dismissal).

A hearing short of members waits (``SEATING``) and is seated as soon as members are appointed.
A seat is withdrawn — kept for the record, replaced at once where someone is left — when its
member recuses themselves, a conflict is declared, or the member leaves the plan's panel; a
seat whose scores are in stays. Every action is in the organisation's audit log.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from talentpool.accounts.models import User
from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import pools
from talentpool.assessment.models import ExamAttempt
from talentpool.cohorts.service import teaches
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office.models import Plan
from talentpool.organisations.audit import record
from talentpool.organisations.models import OfficeRole, Organisation
from talentpool.organisations.office import roles_in
from talentpool.rating.models import RaterConflict
from talentpool.rating.panel_models import (
    DECIDED, OPEN, SEATING, PanelHearing, PanelMember, PanelSeat,
)

RECUSED, CONFLICT, DISMISSED = "recused", "conflict", "dismissed"


class PanelError(Exception):
    """A refused panel action; ``str(error)`` says what went wrong."""


def own_plan(organisation: Organisation, plan_public_id: str) -> Plan:
    """The organisation's plan of a level with a panel review, else PanelError."""
    plan = db.session.scalar(select(Plan).where(Plan.public_id == plan_public_id,
                                                Plan.organisation_id == organisation.id))
    if plan is None:
        raise PanelError(_("There is no such plan."))
    if pools.scheme().levels[plan.level].panel_review is None:
        raise PanelError(_("Level %(level)d has no panel review.", level=plan.level))
    return plan


def members_of(plan: Plan) -> list[PanelMember]:
    """The plan's panel, in the order of appointment."""
    return list(db.session.scalars(select(PanelMember).where(PanelMember.plan_id == plan.id)
                                   .order_by(PanelMember.appointed_at, PanelMember.id)))


def appoint(organisation: Organisation, plan_public_id: str, email: str, actor,
            now: datetime | None = None) -> PanelMember:
    """Appoint a panel member of the organisation to the plan's panel and seat them where a
    hearing is short. Commits."""
    now = now or utcnow()
    plan = own_plan(organisation, plan_public_id)
    person = find_user_by_email(email or "")
    if person is None or not person.active \
            or OfficeRole.PANEL_MEMBER not in roles_in(person.id, organisation.id):
        raise PanelError(_("%(email)s is not a panel member of %(organisation)s: its office "
                           "administrator appoints panel members first.",
                           email=(email or "").strip()[:254], organisation=organisation.name))
    member = PanelMember(plan_id=plan.id, user_id=person.id, appointed_by_id=actor.id,
                         appointed_at=now)
    db.session.add(member)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise PanelError(_("%(email)s is already on this plan's panel.",
                           email=person.email)) from None
    record(organisation.id, actor, "panel.appoint", plan.public_id, {}, {"member": person.email})
    for hearing in db.session.scalars(select(PanelHearing).where(
            PanelHearing.plan_id == plan.id, PanelHearing.state == SEATING)):
        seat(hearing, now)
    db.session.commit()
    return member


def dismiss(organisation: Organisation, plan_public_id: str, user_public_id: str, actor,
            now: datetime | None = None) -> None:
    """Take a member off the plan's panel; their unscored seats are withdrawn and refilled.
    Commits."""
    now = now or utcnow()
    plan = own_plan(organisation, plan_public_id)
    member = db.session.scalar(select(PanelMember).join(User, User.id == PanelMember.user_id)
                               .where(PanelMember.plan_id == plan.id,
                                      User.public_id == user_public_id))
    if member is None:
        raise PanelError(_("This person is not on the plan's panel."))
    for open_seat in _unscored_seats(member.user_id, PanelHearing.plan_id == plan.id):
        withdraw(open_seat, DISMISSED, actor, now)
    record(organisation.id, actor, "panel.dismiss", plan.public_id,
           {"member": member.user.email}, {})
    db.session.delete(member)
    db.session.commit()


def open_hearing(attempt: ExamAttempt, now: datetime) -> PanelHearing:
    """Open the panel review of an attempt that passed both parts at a level with one, and
    seat its panel (no commit: the grading's transaction)."""
    rule = pools.scheme().levels[attempt.level].panel_review
    hearing = PanelHearing(attempt_id=attempt.id, plan_id=attempt.session.plan_id,
                           rule=rule.as_record(), state=SEATING, opened_at=now)
    db.session.add(hearing)
    db.session.flush()
    seat(hearing, now)
    return hearing


def active_seats(hearing: PanelHearing) -> list[PanelSeat]:
    return [s for s in hearing.seats if s.withdrawn_at is None]


def candidate_of(hearing: PanelHearing) -> int:
    return db.session.scalar(select(ExamAttempt.user_id).where(
        ExamAttempt.id == hearing.attempt_id))


def eligible(hearing: PanelHearing) -> list[User]:
    """The plan's members who may still be seated on the hearing (module docstring)."""
    candidate = candidate_of(hearing)
    organisation = db.session.get(Plan, hearing.plan_id).organisation_id
    seated_before = {s.member_id for s in hearing.seats}
    conflicted = set(db.session.scalars(select(RaterConflict.rater_id).where(
        RaterConflict.organisation_id == organisation, RaterConflict.candidate_id == candidate)))
    people = [m.user for m in members_of(db.session.get(Plan, hearing.plan_id))]
    return [p for p in people if p.active and p.id != candidate and p.id not in seated_before
            and p.id not in conflicted and not teaches(p.id, candidate)]


def seat(hearing: PanelHearing, now: datetime) -> int:
    """Seat eligible members until the hearing has its number; the state follows (no commit).
    Returns how many were seated."""
    if hearing.state == DECIDED:
        return 0
    needed = hearing.rule["members"] - len(active_seats(hearing))
    chosen = eligible(hearing)[:max(0, needed)]
    for person in chosen:
        hearing.seats.append(PanelSeat(member_id=person.id, seated_at=now))
    db.session.flush()
    hearing.state = OPEN if len(active_seats(hearing)) == hearing.rule["members"] else SEATING
    return len(chosen)


def withdraw(open_seat: PanelSeat, reason: str, actor, now: datetime) -> None:
    """Withdraw an unscored seat and seat a replacement where one is left (no commit)."""
    hearing = open_seat.hearing
    open_seat.withdrawn_at, open_seat.withdrawn_reason = now, reason
    seat(hearing, now)
    plan = db.session.get(Plan, hearing.plan_id)
    record(plan.organisation_id, actor, "panel.withdraw", hearing.public_id,
           {"member": open_seat.member_id}, {"reason": reason, "state": hearing.state})


def _unscored_seats(member_id: int, *where) -> list[PanelSeat]:
    return list(db.session.scalars(
        select(PanelSeat).join(PanelHearing, PanelHearing.id == PanelSeat.hearing_id)
        .where(PanelSeat.member_id == member_id, PanelSeat.submitted_at.is_(None),
               PanelSeat.withdrawn_at.is_(None), PanelHearing.state != DECIDED, *where)))


def withdraw_conflicted(organisation_id: int, member_id: int, candidate_id: int, actor,
                        now: datetime) -> int:
    """After a conflict is declared: withdraw the member's unscored seats on the candidate's
    hearings in the organisation (no commit). Returns how many."""
    seats = _unscored_seats(
        member_id, PanelHearing.plan_id.in_(select(Plan.id).where(
            Plan.organisation_id == organisation_id)),
        PanelHearing.attempt_id.in_(select(ExamAttempt.id).where(
            ExamAttempt.user_id == candidate_id)))
    for found in seats:
        withdraw(found, CONFLICT, actor, now)
    return len(seats)


def recuse(user_id: int, hearing_public_id: str, reason: str,
           now: datetime | None = None) -> None:
    """A seated member stands aside (回避) before scoring: the conflict is recorded, so they
    are never seated for this candidate again, and another member is seated. Commits."""
    now = now or utcnow()
    found = db.session.scalar(select(PanelSeat).join(
        PanelHearing, PanelHearing.id == PanelSeat.hearing_id).where(
        PanelHearing.public_id == hearing_public_id, PanelSeat.member_id == user_id,
        PanelSeat.withdrawn_at.is_(None), PanelSeat.submitted_at.is_(None),
        PanelHearing.state != DECIDED))
    if found is None:
        raise PanelError(_("You have no open seat on this hearing."))
    hearing = found.hearing
    organisation = db.session.get(Plan, hearing.plan_id).organisation_id
    candidate = candidate_of(hearing)
    if db.session.scalar(select(RaterConflict.id).where(
            RaterConflict.organisation_id == organisation, RaterConflict.rater_id == user_id,
            RaterConflict.candidate_id == candidate)) is None:
        db.session.add(RaterConflict(organisation_id=organisation, rater_id=user_id,
                                     candidate_id=candidate, reason=(reason or "").strip()[:2000],
                                     declared_at=now))
    withdraw(found, RECUSED, db.session.get(User, user_id), now)
    db.session.commit()
