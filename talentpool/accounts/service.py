"""Account use cases: sign-up, login sessions, password change, housekeeping.

Each public function is one use case and commits at most once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from talentpool.accounts import throttle
from talentpool.accounts.models import LoginSession, PasswordResetToken, PendingSignup, User
from talentpool.accounts.passwords import hash_password, password_problem, verify_password
from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.extensions import db

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")
SESSION_TOUCH_INTERVAL = timedelta(minutes=5)
# Hash compared when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASHES: dict[str, str] = {}


class AccountError(Exception):
    """A use case refused; ``str(error)`` is a translated message for the person."""


class ThrottledError(AccountError):
    """Too many failed attempts; try later."""


def token_digest(raw: str) -> str:
    """SHA-256 of a random token: what the database stores instead of the token."""
    return hashlib.sha256(raw.encode()).hexdigest()


def normalise_email(email: str) -> str:
    """Trimmed, lower-cased e-mail address."""
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    """Why ``email`` is not a usable address, or None."""
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        return _("Enter a valid e-mail address, like name@example.com.")
    return None


def find_user_by_email(email: str) -> User | None:
    """The account with this e-mail address, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(email: str, display_name: str, password: str, role: Role,
                locale: str | None = None) -> User:
    """Create an account after checking the address and the password; commits."""
    user = add_user(email, display_name, password, role, locale)
    db.session.commit()
    return user


def signup_problem(email: str, display_name: str, password: str) -> str | None:
    """What is wrong with a new account's address, name or password, or None."""
    email, display_name = normalise_email(email), display_name.strip()
    problem = email_problem(email) or password_problem(password, email=email, name=display_name)
    if problem:
        return problem
    if not display_name or len(display_name) > 80:
        return _("Enter a name of 1 to 80 characters.")
    return None


def add_user(email: str, display_name: str, password: str | None, role: Role,
             locale: str | None = None, password_hash: str | None = None) -> User:
    """Check and add a new account to the session (the caller commits). ``password_hash``
    replaces ``password`` for a password that was checked and hashed earlier."""
    email = normalise_email(email)
    display_name = display_name.strip()
    problem = (email_problem(email) if password_hash
               else signup_problem(email, display_name, password or ""))
    if problem:
        raise AccountError(problem)
    if find_user_by_email(email):
        raise AccountError(_("An account with this e-mail address already exists. "
                             "Log in or reset your password."))
    user = User(email=email, display_name=display_name,
                password_hash=password_hash or hash_password(password), role=role, locale=locale)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # a concurrent sign-up with the same address won the race
        db.session.rollback()
        raise AccountError(_("An account with this e-mail address already exists. "
                             "Log in or reset your password.")) from None
    return user


def register_trainee(email: str, display_name: str, password: str,
                     locale: str | None = None) -> User:
    """Self-service sign-up; only trainees may sign up by themselves."""
    return create_user(email, display_name, password, Role.TRAINEE, locale)


def authenticate(email: str, password: str, address: str, now: datetime | None = None) -> User:
    """Check a login. The attempt is counted per account and address before the password is
    checked (throttle.claim), across workers; a failure also counts against the address."""
    now = now or utcnow()
    email = normalise_email(email)
    claimed, wait = throttle.claim_login(email, address, now)
    if wait is not None:
        raise ThrottledError(_("Too many failed logins. Try again in %(minutes)d minutes, "
                               "or reset your password.", minutes=wait))
    user = find_user_by_email(email)
    if user is None:
        verify_password(_dummy_hash(), password)
    if user is None or not verify_password(user.password_hash, password) or not user.active:
        throttle.record_address_failure(address, now)  # and the claim stays: a failure
        db.session.commit()
        raise AccountError(_("Wrong e-mail address or password."))
    throttle.release(claimed)
    throttle.clear_account(email, address)
    db.session.commit()
    return user


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[method]


def open_session(user: User, address: str | None, user_agent: str | None) -> str:
    """Start a server-side session; returns the random token to keep in the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, token_hash=token_digest(token),
                                address=(address or "")[:64], user_agent=(user_agent or "")[:255]))
    db.session.commit()
    return token


def session_user(user_id: str, token: str | None, max_age: timedelta) -> User | None:
    """The user of a live session, or None if the session was revoked, expired or forged."""
    if not token or not user_id.isdigit():
        return None
    # One statement per request: the session row with its user.
    row = db.session.scalar(
        select(LoginSession).join(LoginSession.user).options(contains_eager(LoginSession.user))
        .where(LoginSession.token_hash == token_digest(token), LoginSession.revoked_at.is_(None)))
    now = utcnow()
    if row is None or row.user_id != int(user_id) or now - row.created_at > max_age:
        return None
    if not row.user.active:
        return None
    if now - row.last_seen_at > SESSION_TOUCH_INTERVAL:
        row.last_seen_at = now
        db.session.commit()
    return row.user


def close_session(token: str | None) -> None:
    """Revoke the session behind ``token`` (logout)."""
    if token:
        db.session.execute(update(LoginSession)
                           .where(LoginSession.token_hash == token_digest(token))
                           .values(revoked_at=utcnow()))
        db.session.commit()


def revoke_sessions(user: User, keep_token: str | None = None) -> int:
    """Revoke every live session of ``user`` except ``keep_token`` (the caller commits); how
    many were revoked."""
    query = update(LoginSession).where(LoginSession.user_id == user.id,
                                       LoginSession.revoked_at.is_(None))
    if keep_token:
        query = query.where(LoginSession.token_hash != token_digest(keep_token))
    return db.session.execute(query.values(revoked_at=utcnow())).rowcount


def change_password(user: User, current: str, new: str, keep_token: str | None) -> None:
    """Change the password and end every other session of the user."""
    if not verify_password(user.password_hash, current):
        raise AccountError(_("The current password is not correct."))
    problem = password_problem(new, email=user.email, name=user.display_name)
    if problem:
        raise AccountError(problem)
    set_password(user, new)
    revoke_sessions(user, keep_token)
    db.session.commit()


def set_password(user: User, password: str) -> None:
    """Store a new hash (the caller checks the policy and commits)."""
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()


def set_locale(user: User, locale: str) -> None:
    """Remember the language a signed-in user chose."""
    user.locale = locale
    db.session.commit()


def save_settings(user: User, locale: str, timezone: str) -> None:
    """The account's language and time zone (the form checked both)."""
    user.locale, user.timezone = locale, timezone
    db.session.commit()


def purge_expired(now: datetime | None = None) -> str:
    """Delete expired or used reset tokens, dead sessions and old failures; one commit."""
    now = now or utcnow()
    tokens = db.session.execute(delete(PasswordResetToken).where(
        (PasswordResetToken.expires_at < now) | PasswordResetToken.used_at.is_not(None)))
    sessions = db.session.execute(delete(LoginSession).where(
        (LoginSession.revoked_at.is_not(None)) | (LoginSession.created_at < now - timedelta(days=30))))
    failures = throttle.purge_before(now - timedelta(days=1))
    signups = db.session.execute(delete(PendingSignup).where(PendingSignup.expires_at <= now))
    db.session.commit()
    return (f"deleted {tokens.rowcount} reset tokens, {signups.rowcount} pending sign-ups, "
            f"{sessions.rowcount} sessions, "
            f"{failures} login failures")
