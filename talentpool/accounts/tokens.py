"""Password-reset tokens and invitations: random, single-use, expiring links."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select, update

from talentpool.accounts import throttle
from talentpool.accounts.mail import send_mail
from talentpool.accounts.models import Invitation, PasswordResetToken, User
from talentpool.accounts.passwords import password_problem
from talentpool.accounts.service import (
    AccountError, ThrottledError, add_user, email_problem, find_user_by_email,
    normalise_email, revoke_sessions, set_password, token_digest,
)
from talentpool.auth import INVITABLE_ROLES, Role
from talentpool.database import utcnow
from talentpool.extensions import db

RESET_REQUESTS_PER_ADDRESS = 10


def external_url(endpoint: str, **values) -> str:
    """Absolute link for mails: PUBLIC_BASE_URL when set, else the request's host."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def request_password_reset(email: str, address: str, now: datetime | None = None) -> None:
    """Mail (or log) a reset link if the account exists; the answer is the same either way."""
    now = now or utcnow()
    _claimed, wait = throttle.claim([(throttle.RESET, address, RESET_REQUESTS_PER_ADDRESS)], now)
    if wait is not None:
        raise ThrottledError(_("Too many reset requests from your network. Try again later."))
    user = find_user_by_email(email)
    if user is None or not user.active:
        db.session.commit()
        return
    raw = secrets.token_urlsafe(32)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    db.session.add(PasswordResetToken(user_id=user.id, token_hash=token_digest(raw),
                                      created_at=now, expires_at=now + timedelta(hours=hours)))
    db.session.commit()
    link = external_url("accounts.reset_password", token=raw)
    send_mail(user.email, _("Reset your talentpool password"),
              _("Open this link within %(hours)d hours to choose a new password:\n%(link)s\n\n"
                "If you did not ask for it, ignore this mail.", hours=hours, link=link))


def live_reset_token(raw: str, now: datetime | None = None) -> PasswordResetToken:
    """The unused, unexpired token for ``raw``, or AccountError."""
    now = now or utcnow()
    row = db.session.scalar(select(PasswordResetToken)
                            .where(PasswordResetToken.token_hash == token_digest(raw)))
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise AccountError(_("This reset link has expired or was already used. "
                             "Request a new one."))
    return row


def reset_password(raw: str, new_password: str, now: datetime | None = None) -> User:
    """Use a reset token once: set the password and end every session of the account."""
    now = now or utcnow()
    row = live_reset_token(raw, now)
    user = db.session.get(User, row.user_id)
    problem = password_problem(new_password, email=user.email, name=user.display_name)
    if problem:
        raise AccountError(problem)
    claimed = db.session.execute(update(PasswordResetToken)
                                 .where(PasswordResetToken.id == row.id,
                                        PasswordResetToken.used_at.is_(None))
                                 .values(used_at=now))
    if claimed.rowcount != 1:
        db.session.rollback()
        raise AccountError(_("This reset link has expired or was already used. "
                             "Request a new one."))
    set_password(user, new_password)
    revoke_sessions(user)
    throttle.clear_account(user.email)  # the login message promises that a reset helps
    db.session.commit()
    return user


def invite(email: str, role: Role, inviter: User) -> str:
    """Create an invitation and mail (or log) its link; returns the link for the admin."""
    email = normalise_email(email)
    problem = email_problem(email)
    if problem:
        raise AccountError(problem)
    if role not in INVITABLE_ROLES:
        raise AccountError(_("Trainees sign up by themselves; invite staff, employers or "
                             "administrators."))
    if find_user_by_email(email):
        raise AccountError(_("An account with this e-mail address already exists."))
    raw = secrets.token_urlsafe(32)
    days = current_app.config["INVITATION_DAYS"]
    db.session.add(Invitation(token_hash=token_digest(raw), email=email, role=role,
                              invited_by_id=inviter.id,
                              expires_at=utcnow() + timedelta(days=days)))
    db.session.commit()
    link = external_url("accounts.accept_invitation", token=raw)
    send_mail(email, _("You are invited to talentpool"),
              _("%(name)s invited you to talentpool as %(role)s. Open this link within "
                "%(days)d days to create your account:\n%(link)s",
                name=inviter.display_name, role=role.label, days=days, link=link))
    return link


def live_invitation(raw: str, now: datetime | None = None) -> Invitation:
    """The open invitation for ``raw``, or AccountError."""
    now = now or utcnow()
    row = db.session.scalar(select(Invitation).where(Invitation.token_hash == token_digest(raw)))
    if row is None or row.accepted_at or row.revoked_at or row.expires_at <= now:
        raise AccountError(_("This invitation has expired, was withdrawn or was already "
                             "used. Ask your administrator for a new one."))
    return row


def accept_invitation(raw: str, display_name: str, password: str) -> User:
    """Create the invited account (role and e-mail come from the invitation)."""
    row = live_invitation(raw)
    user = add_user(row.email, display_name, password, row.role)
    row.accepted_at = utcnow()
    db.session.commit()
    return user


def pending_invitations() -> list[Invitation]:
    """Open invitations, newest first."""
    now = utcnow()
    return list(db.session.scalars(
        select(Invitation).where(Invitation.accepted_at.is_(None),
                                 Invitation.revoked_at.is_(None), Invitation.expires_at > now)
        .order_by(Invitation.created_at.desc())))


def revoke_invitation(public_id: str) -> None:
    """Withdraw an open invitation."""
    row = db.session.scalar(select(Invitation).where(Invitation.public_id == public_id))
    if row is None:
        raise AccountError(_("No such invitation."))
    row.revoked_at = utcnow()
    db.session.commit()
