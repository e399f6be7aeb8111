"""Assessment plans (认定计划) and their sittings: staffing against the scheme's proctoring rule,
and seat assignment with admission ticket numbers.

A plan belongs to one organisation, level and batch (批次) within the organisation's registration
(备案) scope. Its sittings are ``ExamSession`` rows with its ``plan_id`` (``exam.create_session``),
each in a room or online, for at most ``capacity`` candidates. Proctors and supervisors are
appointed per sitting (``SessionAppointment`` duties ``proctor`` and ``supervisor``) from the
people holding those office roles in the organisation. ``assign_seats`` places every approved,
unseated registration at once or not at all. Every action is audited in its own transaction.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from talentpool.accounts.models import User
from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import exam, pools
from talentpool.assessment.models import ExamSession, SessionAppointment
from talentpool.extensions import db
from talentpool.office.models import APPROVED, Plan, Registration
from talentpool.organisations.audit import record
from talentpool.organisations.models import OfficeRole, Organisation
from talentpool.organisations.office import roles_in

PROCTOR, SUPERVISOR = "proctor", "supervisor"
DUTY_ROLES = {PROCTOR: OfficeRole.PROCTOR, SUPERVISOR: OfficeRole.SUPERVISOR}
MAX_CAPACITY = 2000
TICKET_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
# Sittings are entered and printed in Beijing time; the database keeps UTC.
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def local_time(moment: datetime) -> datetime:
    """A stored (naive UTC) time as Beijing time, naive."""
    return moment.replace(tzinfo=UTC).astimezone(LOCAL_ZONE).replace(tzinfo=None)


def from_local_time(moment: datetime) -> datetime:
    """A Beijing time as entered (naive) as the stored naive UTC time."""
    return moment.replace(tzinfo=LOCAL_ZONE).astimezone(UTC).replace(tzinfo=None)


class PlanError(Exception):
    """A refused plan, sitting or seating action; ``str(error)`` says why and what to do."""


def plans_of(organisation: Organisation) -> list[Plan]:
    """The organisation's plans, newest first."""
    return list(db.session.scalars(select(Plan).where(
        Plan.organisation_id == organisation.id).order_by(Plan.created_at.desc(), Plan.id.desc())))


def own_plan(organisation: Organisation, plan_public_id: str) -> Plan | None:
    """The organisation's plan with this id, or None."""
    return db.session.scalar(select(Plan).where(Plan.public_id == plan_public_id,
                                                Plan.organisation_id == organisation.id))


def own_sitting(organisation: Organisation, sitting_public_id: str) -> ExamSession | None:
    """The organisation's sitting (a session of one of its plans) with this id, or None."""
    return db.session.scalar(select(ExamSession).where(
        ExamSession.public_id == sitting_public_id, ExamSession.organisation_id == organisation.id,
        ExamSession.plan_id.is_not(None)))


def plan_of(sitting: ExamSession) -> Plan:
    return db.session.get(Plan, sitting.plan_id)


def sittings_of(plan: Plan) -> list[ExamSession]:
    """The plan's sittings in the order candidates are seated: by opening time."""
    return list(db.session.scalars(select(ExamSession).where(
        ExamSession.plan_id == plan.id).order_by(ExamSession.opens_at, ExamSession.id)))


def create_plan(organisation: Organisation, level: int, title: str, batch: str,
                registration_opens_at: datetime, registration_closes_at: datetime,
                actor) -> Plan:
    """A new plan for one level and batch of the organisation. Commits."""
    title, batch = (title or "").strip(), (batch or "").strip()
    if level not in (organisation.registered_levels or []):
        raise PlanError(_("Level %(level)s is outside this organisation's registration; record "
                          "the registration first or choose one of its levels.", level=level))
    if not title or len(title) > 120:
        raise PlanError(_("Give the plan a title of at most 120 characters."))
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z._-]{0,39}", batch):
        raise PlanError(_("The batch is 1 to 40 letters, digits, dots, dashes or underscores, "
                          "e.g. 2026-04."))
    if registration_closes_at <= registration_opens_at:
        raise PlanError(_("Registration must close after it opens."))
    plan = Plan(organisation_id=organisation.id, level=level, title=title, batch=batch,
                registration_opens_at=registration_opens_at,
                registration_closes_at=registration_closes_at,
                created_by_id=getattr(actor, "id", None))
    db.session.add(plan)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise PlanError(_("This organisation already has a level %(level)s plan for batch "
                          "%(batch)s; open that plan or choose another batch.",
                          level=level, batch=batch)) from None
    record(organisation.id, actor, "plan.create", plan.public_id,
           after={"level": level, "title": title, "batch": batch})
    db.session.commit()
    return plan


def add_sitting(organisation: Organisation, plan_public_id: str, title: str,
                opens_at: datetime, closes_at: datetime, room: str, online: bool,
                capacity: int | None, actor) -> ExamSession:
    """A sitting of the plan in ``room`` or online for ``capacity`` candidates. Commits (in
    ``exam.create_session``, together with the audit entry)."""
    plan = own_plan(organisation, plan_public_id)
    if plan is None:
        raise PlanError(_("This organisation has no such plan."))
    room = (room or "").strip()
    if online:
        room = ""
    elif not room:
        raise PlanError(_("Give the room (e.g. building and room number), or mark the sitting "
                          "as online."))
    if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        raise PlanError(_("The capacity is a whole number of seats from 1 to %(max)d.",
                          max=MAX_CAPACITY))
    record(organisation.id, actor, "sitting.create", plan.public_id, after={
        "title": (title or "").strip()[:120], "opens_at": f"{opens_at:%Y-%m-%dT%H:%M}Z",
        "closes_at": f"{closes_at:%Y-%m-%dT%H:%M}Z", "room": room, "online": bool(online),
        "capacity": capacity})
    try:
        return exam.create_session(plan.level, title or plan.title, opens_at, closes_at,
                                   getattr(actor, "id", None), organisation=organisation.slug,
                                   plan_id=plan.id, room=room, online=bool(online),
                                   capacity=capacity)
    except exam.ExamError as error:
        db.session.rollback()
        raise PlanError(str(error)) from None


def staff_of(sitting: ExamSession) -> list[tuple[SessionAppointment, User]]:
    """The sitting's proctors and supervisors, by duty and name."""
    return list(db.session.execute(select(SessionAppointment, User).join(
        User, User.id == SessionAppointment.user_id).where(
        SessionAppointment.session_id == sitting.id,
        SessionAppointment.duty.in_(tuple(DUTY_ROLES))).order_by(
        SessionAppointment.duty, User.display_name)).all())


def is_appointed(user_id: int | None, sitting: ExamSession, *duties: str) -> bool:
    """Whether the person is appointed to the sitting in one of ``duties`` (default: any)."""
    return user_id is not None and db.session.scalar(select(SessionAppointment.id).where(
        SessionAppointment.session_id == sitting.id, SessionAppointment.user_id == user_id,
        SessionAppointment.duty.in_(duties or tuple(DUTY_ROLES))).limit(1)) is not None


def appoint_staff(organisation: Organisation, sitting_public_id: str, email: str, duty: str,
                  actor) -> SessionAppointment:
    """Appoint a person holding the office role for ``duty`` to the sitting. Commits."""
    sitting = own_sitting(organisation, sitting_public_id)
    if sitting is None:
        raise PlanError(_("This organisation has no such sitting."))
    if duty not in DUTY_ROLES:
        raise PlanError(_("Choose proctor or supervisor."))
    person = find_user_by_email(email or "")
    if person is None or not person.active or DUTY_ROLES[duty] not in roles_in(person.id,
                                                                                organisation.id):
        raise PlanError(_("%(email)s does not hold the %(duty)s role in this organisation; "
                          "appoint them on the office members page first.",
                          email=(email or "").strip()[:254], duty=duty_label(duty)))
    row = SessionAppointment(session_id=sitting.id, user_id=person.id, duty=duty,
                             appointed_by_id=getattr(actor, "id", None))
    db.session.add(row)
    record(organisation.id, actor, f"sitting.appoint_{duty}", sitting.public_id,
           after={"email": person.email, "name": person.display_name})
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise PlanError(_("%(name)s is already appointed to this sitting in this duty.",
                          name=person.display_name)) from None
    return row


def dismiss_staff(organisation: Organisation, sitting_public_id: str, appointment_id: int,
                  actor) -> None:
    """End a proctor's or supervisor's appointment to the sitting. Commits."""
    sitting = own_sitting(organisation, sitting_public_id)
    row = db.session.get(SessionAppointment, appointment_id)
    if sitting is None or row is None or row.session_id != sitting.id or row.duty not in DUTY_ROLES:
        raise PlanError(_("This appointment does not exist (any more)."))
    record(organisation.id, actor, f"sitting.dismiss_{row.duty}", sitting.public_id,
           before={"email": row.user.email, "name": row.user.display_name})
    db.session.delete(row)
    db.session.commit()


def duty_label(duty: str) -> str:
    return _("proctor") if duty == PROCTOR else _("supervisor")


def seated_count(sitting: ExamSession) -> int:
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.sitting_id == sitting.id, Registration.state == APPROVED))


def staffing_problems(sitting: ExamSession) -> list[str]:
    """What the sitting's staff lacks under the scheme's proctoring rule: ⌈candidates / ratio⌉
    proctors, and in a room at least the minimum per room; a supervisor to sign it off.
    Candidates are those seated, or the capacity while nobody is seated yet."""
    rule = pools.scheme().proctoring
    candidates = seated_count(sitting) or sitting.capacity or 0
    by_ratio = -(-candidates // rule.candidates_per_proctor)
    needed = by_ratio if sitting.online else rule.proctors_needed(candidates)
    duties = [row.duty for row, _person in staff_of(sitting)]
    problems = []
    have = duties.count(PROCTOR)
    if have < needed and sitting.online:
        problems.append(_("%(title)s: %(candidates)d candidates online need %(needed)d proctors "
                          "(one per %(ratio)d); %(have)d appointed.", title=sitting.title,
                          candidates=candidates, needed=needed,
                          ratio=rule.candidates_per_proctor, have=have))
    elif have < needed:
        problems.append(_(
            "%(title)s: %(candidates)d candidates need %(needed)d proctors (one per %(ratio)d, "
            "at least %(minimum)d per room); %(have)d appointed.", title=sitting.title,
            candidates=candidates, needed=needed, ratio=rule.candidates_per_proctor,
            minimum=rule.min_proctors_per_room, have=have))
    if SUPERVISOR not in duties:
        problems.append(_("%(title)s: no supervisor is appointed to sign the sitting off.",
                          title=sitting.title))
    return problems


def plan_problems(plan: Plan) -> list[str]:
    """Everything that keeps the plan from running: no sitting, too few seats for the approved
    candidates, and each sitting's staffing problems."""
    sittings = sittings_of(plan)
    if not sittings:
        return [_("The plan has no sitting yet.")]
    problems = [problem for sitting in sittings for problem in staffing_problems(sitting)]
    problems.extend(panel_problems(plan))
    waiting, free = _waiting(plan), sum(_free_seats(sitting) for sitting in sittings)
    if len(waiting) > free:
        problems.append(_("%(count)d approved candidates have no seat and the sittings have "
                          "%(free)d seats left.", count=len(waiting), free=free))
    return problems


def has_panel_review(plan: Plan) -> bool:
    return pools.scheme().levels[plan.level].panel_review is not None


def panel_problems(plan: Plan) -> list[str]:
    """A plan of level 2 or 1 whose panel has fewer members than a hearing seats."""
    if not has_panel_review(plan):
        return []
    from talentpool.rating.panel_models import PanelMember

    need = pools.scheme().levels[plan.level].panel_review.members
    have = db.session.scalar(select(func.count(PanelMember.id)).where(
        PanelMember.plan_id == plan.id))
    if have >= need:
        return []
    return [_("The panel review needs %(need)d panel members and the plan's panel has "
              "%(have)d.", need=need, have=have)]


def _waiting(plan: Plan) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.plan_id == plan.id, Registration.state == APPROVED,
        Registration.sitting_id.is_(None)).order_by(Registration.submitted_at, Registration.id)))


def _taken_seats(sitting: ExamSession) -> set[str]:
    return set(db.session.scalars(select(Registration.seat).where(
        Registration.sitting_id == sitting.id)))


def _free_seats(sitting: ExamSession) -> int:
    if sitting.capacity is None:
        return MAX_CAPACITY
    return max(0, sitting.capacity - len(_taken_seats(sitting)))


def ticket_number(plan: Plan, sitting_number: int, seat: str) -> str:
    """<batch>-<level><sitting no>-<seat>-<4 random base32 characters>: readable, unique by
    its seat, and not guessable from the sequence alone."""
    batch = re.sub(r"[^0-9A-Z]", "", plan.batch.upper())[:12] or "B"
    tail = "".join(secrets.choice(TICKET_ALPHABET) for _ in range(4))
    return f"{batch}-{plan.level}{sitting_number:02d}-{seat}-{tail}"


def assign_seats(organisation: Organisation, plan_public_id: str, actor) -> int:
    """Seat every approved, unseated registration of the plan, filling the sittings in order
    (seats 001…), each with a ticket number; all or nothing. Commits; how many were seated."""
    plan = own_plan(organisation, plan_public_id)
    if plan is None:
        raise PlanError(_("This organisation has no such plan."))
    waiting, sittings = _waiting(plan), sittings_of(plan)
    if not waiting:
        return 0
    free = {sitting.id: _free_seats(sitting) for sitting in sittings}
    if sum(free.values()) < len(waiting):
        raise PlanError(_("%(missing)d seats are missing: %(count)d approved candidates wait "
                          "for a seat and the sittings have %(free)d left. Add a sitting or "
                          "raise a capacity, then assign again; nobody was seated.",
                          missing=len(waiting) - sum(free.values()), count=len(waiting),
                          free=sum(free.values())))
    numbers = {s.id: n for n, s in enumerate(sorted(sittings, key=lambda s: s.id), start=1)}
    queue, placed = iter(waiting), {}
    for sitting in sittings:
        taken, seat_number = _taken_seats(sitting), 0
        for _slot in range(min(free[sitting.id], len(waiting) - sum(placed.values()))):
            registration = next(queue)
            seat_number += 1
            while f"{seat_number:03d}" in taken:
                seat_number += 1
            registration.sitting_id, registration.seat = sitting.id, f"{seat_number:03d}"
            registration.ticket_number = ticket_number(plan, numbers[sitting.id],
                                                       registration.seat)
            placed[sitting.id] = placed.get(sitting.id, 0) + 1
    record(organisation.id, actor, "seats.assign", plan.public_id, after={
        "seated": len(waiting),
        "sittings": {s.public_id: placed[s.id] for s in sittings if s.id in placed}})
    try:
        db.session.commit()
    except IntegrityError:  # another assignment of this plan committed first, or a rare clash
        db.session.rollback()
        raise PlanError(_("Seats were being assigned at the same time; nobody was seated by "
                          "this request. Reload the plan and assign again.")) from None
    return len(waiting)
