"""User management for administrators: the list of accounts, disabling and enabling an account,
changing its role, and the account's audit trail.

Every change is written to the audit log (``organisations.audit.record``, without an
organisation: these are site-wide actions) in the change's own transaction. Two guards keep the
site administrable: an administrator never disables or demotes themself, and the last active
administrator is never disabled or demoted. The active administrators' rows are locked while
the guard counts them, so two administrators disabling each other at the same moment cannot
leave none (PostgreSQL; SQLite runs one writer at a time anyway).

Disabling ends every live login session of the account at once (its next request is logged
out) and revokes its API tokens; a password-reset link it may hold stops working. Enabling does
not bring any of them back: the person logs in again. A role change revokes API tokens (they
belong to employer accounts) but keeps the sessions: the role is read on every request.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, delete, or_, select, update

from talentpool.accounts.models import PasswordResetToken, User
from talentpool.accounts.service import revoke_sessions
from talentpool.auth import Role
from talentpool.database import is_public_id, utcnow
from talentpool.directory.models import ApiToken
from talentpool.extensions import db
from talentpool.organisations.audit import record
from talentpool.organisations.models import AuditEntry
from talentpool.pagination import Page, page_number, paginate
from talentpool.spreadsheets import to_csv

STATUSES = ("active", "disabled")
USERS_PER_PAGE = 50
TRAIL_PER_PAGE = 20
CSV_COLUMNS = ("email", "name", "role", "status", "created_at")
# A deleted account that had to be kept (rights.delete_account) keeps its row under this domain.
DELETED_DOMAIN = "@deleted.invalid"


class UserAdminError(Exception):
    """A change was refused; ``str(error)`` is a translated message for the administrator."""


@dataclass(frozen=True)
class UserFilter:
    """The list's filters as checked values; unknown values are dropped, never an error."""

    q: str = ""
    role: str = ""
    status: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping) -> UserFilter:
        role, status = str(args.get("role") or ""), str(args.get("status") or "")
        return cls(q=str(args.get("q") or "").strip()[:80],
                   role=role if role in {r.value for r in Role} else "",
                   status=status if status in STATUSES else "",
                   page=page_number(args.get("page")))

    def as_args(self) -> dict[str, str]:
        """The filters for links (pages, export), without empty ones and without the page."""
        return {key: value for key, value in
                (("q", self.q), ("role", self.role), ("status", self.status)) if value}


def is_deleted(user: User) -> bool:
    """Whether the row is what is left of an account deleted at its holder's request."""
    return user.email.endswith(DELETED_DOMAIN)


def users_query(chosen: UserFilter) -> Select:
    """Accounts matching the filters, newest first."""
    query = select(User).order_by(User.created_at.desc(), User.id.desc())
    if chosen.q:
        query = query.where(or_(User.email.icontains(chosen.q, autoescape=True),
                                User.display_name.icontains(chosen.q, autoescape=True)))
    if chosen.role:
        query = query.where(User.role == Role(chosen.role))
    if chosen.status:
        query = query.where(User.active.is_(chosen.status == "active"))
    return query


def user_page(chosen: UserFilter) -> Page:
    """One page of the filtered accounts, with the total."""
    return paginate(users_query(chosen), chosen.page, USERS_PER_PAGE)


def users_csv(chosen: UserFilter) -> bytes:
    """Every account matching the filters as spreadsheet-safe CSV (times in UTC)."""
    return to_csv(CSV_COLUMNS, _csv_rows(chosen))


def _csv_rows(chosen: UserFilter) -> Iterator[tuple]:
    for user in db.session.scalars(users_query(chosen).execution_options(yield_per=500)):
        yield (user.email, user.display_name, user.role.value,
               "active" if user.active else "disabled",
               user.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"))


def find_user(public_id: str) -> User | None:
    """The account behind a public id, or None."""
    if not is_public_id(public_id):
        return None
    return db.session.scalar(select(User).where(User.public_id == public_id))


def _target(public_id: str, actor: User) -> User:
    user = find_user(public_id)
    if user is None:
        raise UserAdminError(_("No such account."))
    if user.id == actor.id:
        raise UserAdminError(_("You cannot change your own account here; ask another "
                               "administrator."))
    if is_deleted(user):
        raise UserAdminError(_("This account was deleted at its holder's request and cannot "
                               "be changed."))
    return user


def _keep_an_admin(user: User) -> None:
    """Refuse when ``user`` is the last active administrator (rows locked while counted)."""
    if user.role is not Role.ADMIN or not user.active:
        return
    admins = db.session.scalars(select(User.id).where(
        User.role == Role.ADMIN, User.active.is_(True)).with_for_update()).all()
    if set(admins) <= {user.id}:
        raise UserAdminError(_("%(name)s is the last active administrator; make someone else "
                               "an administrator first.", name=user.display_name))


def _revoke_api_tokens(user: User) -> int:
    return db.session.execute(update(ApiToken).where(
        ApiToken.owner_id == user.id, ApiToken.revoked_at.is_(None)).values(
        revoked_at=utcnow())).rowcount


def _reason(reason: str | None) -> dict:
    reason = (reason or "").strip()[:200]
    return {"reason": reason} if reason else {}


def disable(public_id: str, actor: User, reason: str = "") -> User:
    """Disable an account: it cannot log in, its sessions end, its API tokens and reset links
    stop working. One commit with its audit entry."""
    user = _target(public_id, actor)
    if not user.active:
        raise UserAdminError(_("%(name)s is already disabled.", name=user.display_name))
    _keep_an_admin(user)
    sessions = revoke_sessions(user)
    tokens = _revoke_api_tokens(user)
    db.session.execute(delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id,
                                                        PasswordResetToken.used_at.is_(None)))
    user.active = False
    record(None, actor, "user.disable", user.public_id, {"active": True},
           {"active": False, "sessions_revoked": sessions, "api_tokens_revoked": tokens,
            **_reason(reason)})
    db.session.commit()
    return user


def enable(public_id: str, actor: User, reason: str = "") -> User:
    """Let a disabled account log in again (old sessions and tokens stay revoked). Commits."""
    user = _target(public_id, actor)
    if user.active:
        raise UserAdminError(_("%(name)s is already active.", name=user.display_name))
    user.active = True
    record(None, actor, "user.enable", user.public_id, {"active": False},
           {"active": True, **_reason(reason)})
    db.session.commit()
    return user


def change_role(public_id: str, role: Role, actor: User, reason: str = "") -> User:
    """Give an account another role; its API tokens are revoked. Commits with the entry."""
    user = _target(public_id, actor)
    if user.role is role:
        raise UserAdminError(_("%(name)s already has the role %(role)s.",
                               name=user.display_name, role=role.label))
    _keep_an_admin(user)
    before = user.role
    tokens = _revoke_api_tokens(user)
    user.role = role
    record(None, actor, "user.role", user.public_id, {"role": before.value},
           {"role": role.value, "api_tokens_revoked": tokens, **_reason(reason)})
    db.session.commit()
    return user


def audit_trail(user: User, number: int = 1) -> Page:
    """Who did what to the account, and what the person did, newest first: site-wide entries
    about the account and every entry the person made (office actions included)."""
    about = (AuditEntry.organisation_id.is_(None)) & (AuditEntry.subject == user.public_id)
    query = (select(AuditEntry)
             .where(or_(about, AuditEntry.subject == user.email, AuditEntry.actor_id == user.id))
             .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
    return paginate(query, number, TRAIL_PER_PAGE)
