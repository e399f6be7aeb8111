"""Scoped, revocable API tokens of employers; only the SHA-256 of a token is stored."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from talentpool.accounts.models import User
from talentpool.accounts.service import token_digest
from talentpool.database import utcnow, will_write
from talentpool.directory.models import ApiToken
from talentpool.directory.profiles import DirectoryError
from talentpool.extensions import db

TOKEN_PREFIX = "tp_"
USE_NOTE_INTERVAL = timedelta(minutes=5)
SCOPES = {"search:read": _l("Search the pool and read listed profiles"),
          "shortlist:read": _l("Read your shortlists"),
          "shortlist:write": _l("Create shortlists and add people to them")}


def tokens_of(owner_id: int) -> list[ApiToken]:
    """The employer's tokens, newest first (revoked ones included, for the record)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.owner_id == owner_id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def create_token(owner: User, name: str, scopes: list[str]) -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and never stored; commits."""
    name, scopes = (name or "").strip(), sorted(set(scopes) & set(SCOPES))
    if not 1 <= len(name) <= 80:
        raise DirectoryError(_("Name the token (1 to 80 characters)."))
    if not scopes:
        raise DirectoryError(_("Choose at least one permission."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(owner_id=owner.id, name=name, scopes=scopes, token_hash=token_digest(raw))
    db.session.add(token)
    db.session.commit()
    return token, raw


def revoke_token(owner: User, public_id: str) -> None:
    """Revoke one of the employer's own tokens; commits."""
    token = db.session.scalar(select(ApiToken).where(
        ApiToken.public_id == (public_id or "")[:32], ApiToken.owner_id == owner.id))
    if token is None:
        raise DirectoryError(_("No such token."))
    token.revoked_at = token.revoked_at or utcnow()
    db.session.commit()


def token_owner(raw: str) -> tuple[User, ApiToken] | None:
    """The live token behind a bearer value and its active owner, or None; notes the use."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(raw),
                                                     ApiToken.revoked_at.is_(None)))
    if token is None:
        return None
    owner = db.session.get(User, token.owner_id)
    if owner is None or not owner.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > USE_NOTE_INTERVAL:
        will_write()
        token.last_used_at = now  # noted coarsely: a write per API call would cost more
        db.session.commit()
    return owner, token
