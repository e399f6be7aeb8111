"""Self-service sign-up confirmed by an e-mail link.

The sign-up page answers the same whether or not an account already uses the address: a new
address gets a link that creates the trainee account; the owner of an existing account gets a
note saying so (with the login and reset links) instead. Nobody learns from the page which
addresses have accounts, and nobody can create an account on an address they do not read.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from talentpool.accounts import throttle
from talentpool.accounts.mail import send_mail
from talentpool.accounts.models import PendingSignup, User
from talentpool.accounts.passwords import hash_password
from talentpool.accounts.service import (
    AccountError, ThrottledError, add_user, find_user_by_email, normalise_email, signup_problem,
    token_digest,
)
from talentpool.accounts.tokens import external_url
from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.urls import local_path

SIGNUPS_PER_ADDRESS = 10
SIGNUP = "signup"  # throttle kind: sign-up mails sent to one network address's requests


def request_signup(email: str, display_name: str, password: str, address: str,
                   locale: str | None = None, next_path: str | None = None,
                   now: datetime | None = None) -> str:
    """Check the input, then mail either a confirmation link (new address) or a note to the
    existing account's owner; returns the normalised address. Same answer either way."""
    now = now or utcnow()
    problem = signup_problem(email, display_name, password)
    if problem:
        raise AccountError(problem)
    email = normalise_email(email)
    _claimed, wait = throttle.claim([(SIGNUP, address, SIGNUPS_PER_ADDRESS)], now)
    if wait is not None:
        raise ThrottledError(_("Too many sign-ups from your network. Try again in %(minutes)d "
                               "minutes.", minutes=wait))
    password_hash = hash_password(password)  # the same work on both paths
    if find_user_by_email(email) is not None:
        send_mail(email, _("Someone tried to sign up with your address"),
                  _("Someone (perhaps you) tried to create a talentpool account with this "
                    "address, which already has one. Log in here:\n%(login)s\n\nForgot the "
                    "password? Choose a new one here:\n%(reset)s\n\nIf it was not you, ignore "
                    "this mail: nothing was changed.",
                    login=external_url("accounts.login"),
                    reset=external_url("accounts.request_reset")))
        return email
    raw = secrets.token_urlsafe(32)
    hours = current_app.config["SIGNUP_LINK_HOURS"]
    db.session.add(PendingSignup(token_hash=token_digest(raw), email=email,
                                 display_name=display_name.strip(), password_hash=password_hash,
                                 locale=locale, next_path=local_path(next_path), created_at=now,
                                 expires_at=now + timedelta(hours=hours)))
    db.session.commit()
    send_mail(email, _("Confirm your talentpool account"),
              _("Open this link within %(hours)d hours to finish creating your trainee "
                "account:\n%(link)s\n\nIf you did not sign up, ignore this mail.",
                hours=hours, link=external_url("accounts.confirm_signup", token=raw)))
    return email


def live_signup(raw: str, now: datetime | None = None) -> PendingSignup:
    """The unexpired pending sign-up for ``raw``, or AccountError."""
    row = db.session.scalar(select(PendingSignup).where(
        PendingSignup.token_hash == token_digest(raw)))
    if row is None or row.expires_at <= (now or utcnow()):
        raise AccountError(_("This sign-up link has expired or was already used. "
                             "Sign up again."))
    return row


def confirm_signup(raw: str, now: datetime | None = None) -> tuple[User, str | None]:
    """Create the trainee account of a pending sign-up (one commit); returns it and where it
    goes first. Every pending sign-up of the address ends here."""
    row = live_signup(raw, now)
    email, next_path = row.email, row.next_path
    user = add_user(email, row.display_name, None, Role.TRAINEE, row.locale,
                    password_hash=row.password_hash)
    db.session.execute(delete(PendingSignup).where(PendingSignup.email == email))
    db.session.commit()
    return user, next_path
