"""Institution use cases: institutions and staff, cohorts and plans, scoped look-ups.

Every look-up a staff page makes goes through ``staff_cohort`` or ``cohort_trainee``,
which only ever search inside the caller's own institution, so another institution's ids
answer "not found". Each public function that writes is one use case with one commit.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from talentpool.accounts import tokens
from talentpool.accounts.models import User
from talentpool.accounts.service import email_problem, find_user_by_email, normalise_email
from talentpool.assessment import bank
from talentpool.assessment.models import ExamSession
from talentpool.assessment.tracks import TRACKS_BY_ID
from talentpool.auth import Role
from talentpool.cohorts.models import (
    INSTITUTION_ADMIN, INSTRUCTOR, Cohort, Enrolment, Institution, InstitutionMember,
)
from talentpool.database import utcnow, will_write
from talentpool.extensions import db
from talentpool.i18n import current_locale

MAX_QUOTA = 10_000


class CohortError(Exception):
    """A refused institution action; ``str(error)`` is a translated message and ``field``
    the form field it is about (None: the form as a whole)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# Institutions and staff ---------------------------------------------------------------

def institutions() -> list[Institution]:
    return list(db.session.scalars(select(Institution).order_by(Institution.name)))


def create_institution(name: str, admin_email: str,
                       site_admin: User) -> tuple[Institution, str | None]:
    """Create an institution with its first admin; returns it and the invitation link, if any."""
    name = name.strip()
    if not name or len(name) > 120:
        raise CohortError(_("Enter a name of 1 to 120 characters."))
    if db.session.scalar(select(Institution).where(Institution.name == name)):
        raise CohortError(_("An institution with this name already exists."))
    institution = Institution(name=name)
    db.session.add(institution)
    db.session.flush()
    link = _add_member(institution, admin_email, INSTITUTION_ADMIN, site_admin)
    return institution, link


def add_instructor(institution: Institution, email: str, inviter: User) -> str | None:
    """An institution admin adds an instructor; returns an invitation link for a new account."""
    return _add_member(institution, email, INSTRUCTOR, inviter)


def _add_member(institution: Institution, email: str, role: str, inviter: User) -> str | None:
    email = normalise_email(email)
    problem = email_problem(email)
    if problem:
        db.session.rollback()
        raise CohortError(problem)
    user = find_user_by_email(email)
    if user is not None and user.role is not Role.INSTITUTION_STAFF:
        db.session.rollback()
        raise CohortError(_("This e-mail address belongs to an account that is not institution "
                            "staff."))
    same_person = InstitutionMember.email == email
    if user is not None:
        same_person = same_person | (InstitutionMember.user_id == user.id)
    taken = db.session.scalar(select(InstitutionMember).where(same_person))
    if taken is not None:
        db.session.rollback()
        raise CohortError(_("This person is already staff of an institution."))
    db.session.add(InstitutionMember(institution_id=institution.id, email=email, role=role,
                                     user_id=user.id if user else None))
    if user is not None:
        db.session.commit()
        return None
    try:
        return tokens.invite(email, Role.INSTITUTION_STAFF, inviter)  # commits both rows
    except IntegrityError:
        db.session.rollback()
        raise CohortError(_("This person is already staff of an institution.")) from None


def membership(user: User) -> InstitutionMember | None:
    """The staff account's membership; a pending one named by e-mail is claimed here."""
    row = db.session.scalar(select(InstitutionMember).where(InstitutionMember.user_id == user.id))
    if row is None and user.role is Role.INSTITUTION_STAFF:
        row = db.session.scalar(select(InstitutionMember).where(
            InstitutionMember.email == user.email, InstitutionMember.user_id.is_(None)))
        if row is not None:
            will_write()
            row.user_id = user.id
            db.session.commit()
    return row


def staff_of(institution_id: int) -> list[InstitutionMember]:
    return list(db.session.scalars(select(InstitutionMember)
                                   .where(InstitutionMember.institution_id == institution_id)
                                   .order_by(InstitutionMember.role, InstitutionMember.email)))


# Cohorts and plans ------------------------------------------------------------------------

def cohorts_of(institution_id: int, include_archived: bool = False) -> list[Cohort]:
    query = select(Cohort).where(Cohort.institution_id == institution_id)
    if not include_archived:
        query = query.where(Cohort.archived_at.is_(None))
    return list(db.session.scalars(query.order_by(Cohort.created_at.desc(), Cohort.id.desc())))


def staff_cohort(institution_id: int, public_id: str) -> Cohort | None:
    """A cohort of this institution (None for any other institution's cohort)."""
    return db.session.scalar(select(Cohort).where(Cohort.public_id == public_id,
                                                  Cohort.institution_id == institution_id))


def cohort_trainee(cohort: Cohort, user_public_id: str) -> Enrolment | None:
    """The enrolment of a joined trainee in this cohort (None for anyone else)."""
    return db.session.scalar(select(Enrolment).join(User, User.id == Enrolment.user_id).where(
        Enrolment.cohort_id == cohort.id, User.public_id == user_public_id))


def practice_items_available() -> dict[str, int]:
    """Practice items per track: the largest quota a plan may set."""
    return bank.practice_item_counts()


def check_plan(name: str, target_level: int, quotas: dict[str, int | None], starts_on: date,
               deadline: date) -> dict[str, int]:
    """The cleaned quotas (tracks left empty or at 0 dropped), or CohortError naming the field
    that is wrong: a quota is a whole number of distinct practice items, so it cannot be
    negative or exceed the items the track's practice bank holds."""
    if not name.strip() or len(name.strip()) > 120:
        raise CohortError(_("Enter a name of 1 to 120 characters."), "name")
    if target_level not in (1, 2, 3, 4, 5):
        raise CohortError(_("The level must be 1, 2, 3, 4 or 5."), "target_level")
    available = practice_items_available()
    cleaned = {}
    for track_id, n in quotas.items():
        track = TRACKS_BY_ID.get(track_id)
        if track is None or not n:
            continue
        field = f"quota_{track_id}"
        if n < 0:
            raise CohortError(_("A quota cannot be negative: enter the number of items each "
                                "trainee should answer, or leave it empty."), field)
        if n > min(MAX_QUOTA, available.get(track_id, 0)):
            raise CohortError(_("The practice bank of %(track)s holds %(n)d items; a quota can "
                                "ask for at most that many.", track=track.name(current_locale()),
                                n=available.get(track_id, 0)), field)
        cleaned[track_id] = int(n)
    if not cleaned:
        raise CohortError(_("Choose at least one track with a practice quota."), "quotas")
    if deadline <= starts_on:
        raise CohortError(_("The deadline must come after the start date."), "deadline")
    return cleaned


def create_cohort(institution_id: int, name: str, target_level: int, quotas: dict[str, int],
                  starts_on: date, deadline: date, creator: User) -> Cohort:
    """Create a cohort with its training plan."""
    cleaned = check_plan(name, target_level, quotas, starts_on, deadline)
    cohort = Cohort(institution_id=institution_id, name=name.strip(), target_level=target_level,
                    quotas=cleaned, starts_on=starts_on, deadline=deadline,
                    created_by_id=creator.id)
    db.session.add(cohort)
    db.session.commit()
    return cohort


def update_plan(cohort: Cohort, name: str, target_level: int, quotas: dict[str, int],
                starts_on: date, deadline: date) -> None:
    """Change a cohort's name and training plan."""
    cohort.quotas = check_plan(name, target_level, quotas, starts_on, deadline)
    cohort.name, cohort.target_level = name.strip(), target_level
    cohort.starts_on, cohort.deadline = starts_on, deadline
    db.session.commit()


def archive_cohort(cohort: Cohort) -> None:
    """Archive a cohort: it leaves the lists and its join links stop working."""
    if cohort.archived_at is None:
        cohort.archived_at = utcnow()
        db.session.commit()


# Trainee side --------------------------------------------------------------------------------

def is_enrolled(user_id: int, cohort_id: int) -> bool:
    """Whether the person is a joined trainee of this (live) cohort."""
    return db.session.scalar(select(Enrolment.id).join(Cohort).where(
        Enrolment.user_id == user_id, Enrolment.cohort_id == cohort_id,
        Cohort.archived_at.is_(None))) is not None


def cohort_ids_of(user_id: int) -> list[int]:
    return list(db.session.scalars(select(Enrolment.cohort_id).join(Cohort).where(
        Enrolment.user_id == user_id, Cohort.archived_at.is_(None))))


def cohorts_of_trainee(user_id: int) -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).join(Enrolment).where(
        Enrolment.user_id == user_id, Cohort.archived_at.is_(None)).order_by(Cohort.deadline)))


def upcoming_sessions(user_id: int, now: datetime | None = None) -> list[tuple[ExamSession,
                                                                             Cohort]]:
    """Exam sessions the person's cohorts scheduled that have not closed yet, soonest first."""
    now = now or utcnow()
    return list(db.session.execute(
        select(ExamSession, Cohort).join(Cohort, Cohort.id == ExamSession.cohort_id)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.user_id == user_id, Cohort.archived_at.is_(None),
               ExamSession.closes_at > now)
        .order_by(ExamSession.opens_at, ExamSession.id)).all())


def teaches(staff_id: int, candidate_id: int) -> bool:
    """Whether the person is staff of an institution that runs a cohort of the candidate: they
    must stand aside (回避) from scoring, reviewing or deciding that candidate's work."""
    return db.session.scalar(
        select(InstitutionMember.id)
        .join(Cohort, Cohort.institution_id == InstitutionMember.institution_id)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(InstitutionMember.user_id == staff_id, Enrolment.user_id == candidate_id)
        .limit(1)) is not None
