"""Enrolment use cases: roster upload, personal enrolment links, the cohort's open join link.

Re-uploading a roster changes nothing: a row whose e-mail is already in the cohort is
counted as "already enrolled". Every other row is an invitation with a personal link (valid
INVITATION_DAYS), whether or not an account uses the address, so staff learn nothing about
accounts: a person without an account creates one by setting a password; the owner of an
existing trainee account logs in and accepts or declines. Until then the institution sees only
what its staff typed. A trainee can leave a cohort at any time; the cohort then keeps only a
count of people who left.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from talentpool.accounts import signups
from talentpool.accounts.mail import send_mail
from talentpool.accounts.models import User
from talentpool.accounts.service import AccountError, add_user, token_digest
from talentpool.accounts.tokens import external_url
from talentpool.auth import Role
from talentpool.cohorts import roster as roster_file
from talentpool.cohorts.models import Cohort, Enrolment, new_join_code
from talentpool.cohorts.service import CohortError
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.notifications.service import notify, site_path


@dataclass
class EnrolmentReport:
    """What an upload did, row by row."""

    encoding: str
    invited: list[tuple[str, str, str]] = field(default_factory=list)  # name, e-mail, link
    unchanged: list[str] = field(default_factory=list)
    problems: list[roster_file.RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def enrol_roster(cohort: Cohort, data: bytes) -> EnrolmentReport:
    """Enrol the good rows of an uploaded roster and report every bad one; one commit."""
    if cohort.archived_at is not None:
        raise CohortError(_("This cohort is archived."))
    try:
        parsed = roster_file.parse(data)
    except roster_file.RosterError as error:
        raise CohortError(str(error)) from None
    report = EnrolmentReport(parsed.encoding, problems=list(parsed.problems),
                             ignored_columns=parsed.ignored_columns)
    present = set(db.session.scalars(select(Enrolment.email)
                                     .where(Enrolment.cohort_id == cohort.id)))
    mails = []
    for row in parsed.rows:
        if row.email in present:
            report.unchanged.append(row.email)
            continue
        raw = secrets.token_urlsafe(32)
        db.session.add(Enrolment(
            cohort_id=cohort.id, email=row.email, name=row.name, phone=row.phone,
            region=row.region, source="roster", token_hash=token_digest(raw),
            token_expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"])))
        link = external_url("cohorts.accept_enrolment", token=raw)
        report.invited.append((row.name, row.email, link))
        mails.append((row.email, link))
        present.add(row.email)
    _notify_account_holders(cohort, [email for email, _link in mails])
    db.session.commit()
    for email, link in mails:
        send_mail(email, _("Your training cohort on talentpool"),
                  _("%(institution)s invites you to the cohort %(cohort)s. Open this link to "
                    "accept or decline; without an account you set a password there:\n%(link)s",
                    institution=cohort.institution.name, cohort=cohort.name, link=link))
    return report


def _notify_account_holders(cohort: Cohort, emails: list[str]) -> None:
    """An in-app notice for invitees who already have a trainee account (everyone invited gets
    the mail with the personal link, so the notice adds no second mail)."""
    if not emails:
        return
    for user_id in db.session.scalars(select(User.id).where(
            User.email.in_(emails), User.role == Role.TRAINEE, User.active.is_(True))):
        notify(user_id, "cohort_invitation",
               {"institution": cohort.institution.name, "cohort": cohort.name},
               site_path("cohorts.my_cohorts"), mail=False)


def live_enrolment(raw: str) -> Enrolment:
    """The open personal enrolment for ``raw``, or CohortError."""
    row = db.session.scalar(select(Enrolment).where(Enrolment.token_hash == token_digest(raw)))
    if (row is None or row.user_id is not None or row.token_expires_at is None
            or row.token_expires_at <= utcnow() or row.cohort.archived_at is not None):
        raise CohortError(_("This enrolment link has expired or was already used. Ask your "
                            "training institution for a new one."))
    return row


def accept_enrolment(raw: str, display_name: str, password: str) -> User:
    """Create the trainee account named by a personal enrolment link and join the cohort."""
    row = live_enrolment(raw)
    try:
        user = add_user(row.email, display_name, password, Role.TRAINEE)
    except AccountError as error:
        raise CohortError(str(error)) from None
    row.user_id, row.joined_at, row.token_hash = user.id, utcnow(), None
    db.session.commit()
    return user


def invitation_for(user: User, cohort_public_id: str) -> Enrolment:
    """The open invitation of ``user`` (by e-mail) to a live cohort, or CohortError."""
    row = db.session.scalar(select(Enrolment).join(Cohort).where(
        Cohort.public_id == cohort_public_id, Enrolment.email == user.email,
        Enrolment.user_id.is_(None), Cohort.archived_at.is_(None)))
    if row is None:
        raise CohortError(_("There is no open invitation to this cohort for %(email)s.",
                            email=user.email))
    return row


def answer_invitation(user: User, cohort_public_id: str, accept: bool) -> Enrolment | None:
    """The signed-in trainee accepts (joins) or declines (the row is removed); one commit."""
    if user.role is not Role.TRAINEE:
        raise CohortError(_("Only trainee accounts can join a cohort."))
    row = invitation_for(user, cohort_public_id)
    if accept:
        row.user_id, row.joined_at, row.token_hash = user.id, utcnow(), None
    else:
        db.session.delete(row)
        row = None
    db.session.commit()
    return row


def open_invitations(user: User) -> list[Enrolment]:
    """Invitations waiting for the trainee's answer (personal links not yet used)."""
    return list(db.session.scalars(select(Enrolment).join(Cohort).where(
        Enrolment.email == user.email, Enrolment.user_id.is_(None),
        Cohort.archived_at.is_(None)).order_by(Enrolment.created_at)))


def leave(user: User, cohort_public_id: str) -> Cohort:
    """The trainee leaves a cohort: the row goes, the cohort counts one more leaver; one commit.
    Staff of the institution see nothing more of the person through this cohort."""
    row = db.session.scalar(select(Enrolment).join(Cohort).where(
        Cohort.public_id == cohort_public_id, Enrolment.user_id == user.id))
    if row is None:
        raise CohortError(_("You are not in this cohort."))
    cohort = row.cohort
    cohort.left_count = (cohort.left_count or 0) + 1
    db.session.delete(row)
    db.session.commit()
    return cohort


def open_cohort(code: str) -> Cohort:
    """The live cohort behind an open join link, or CohortError."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.join_code == code))
    if cohort is None or cohort.archived_at is not None:
        raise CohortError(_("This join link is not valid any more. Ask your training "
                            "institution for a new one."))
    return cohort


def join(code: str, user: User) -> Cohort:
    """A signed-in trainee joins through the cohort's open link (joining twice is harmless)."""
    cohort = open_cohort(code)
    if user.role is not Role.TRAINEE:
        raise CohortError(_("Only trainee accounts can join a cohort."))
    _link(cohort, user, "link")
    db.session.commit()
    return cohort


def sign_up_and_join(code: str, email: str, display_name: str, password: str, address: str,
                     locale: str | None = None) -> str:
    """A visitor of the join page asks for a trainee account; its e-mail link creates it and
    brings the new trainee back to this join page to join. Returns the normalised address."""
    open_cohort(code)
    try:
        return signups.request_signup(email, display_name, password, address, locale,
                                      next_path=url_for("cohorts.join", code=code))
    except AccountError as error:
        raise CohortError(str(error)) from None


def _link(cohort: Cohort, user: User, source: str) -> None:
    row = db.session.scalar(select(Enrolment).where(Enrolment.cohort_id == cohort.id,
                                                    Enrolment.email == user.email))
    if row is None:
        db.session.add(Enrolment(cohort_id=cohort.id, email=user.email, name=user.display_name,
                                 source=source, user_id=user.id, joined_at=utcnow()))
    elif row.user_id is None:
        row.user_id, row.joined_at, row.token_hash = user.id, utcnow(), None


def new_join_link(cohort: Cohort) -> None:
    """Replace the open join link (the old one stops working)."""
    cohort.join_code = new_join_code()
    db.session.commit()
