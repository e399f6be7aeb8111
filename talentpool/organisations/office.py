"""The people of an organisation's assessment office (考务) and the office's audit log.

An organisation's administrators — the instance administrators and the people appointed as its
office administrator (考务管理员) — appoint its raters, proctors, supervisors and panel members.
Every office action is written to the audit log in the action's own transaction (``record``):
who, when, what, on which record, and the values before and after; the organisation reads and
exports it.
"""

from __future__ import annotations

import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from talentpool.accounts.models import User
from talentpool.accounts.service import find_user_by_email
from talentpool.auth import Role
from talentpool.extensions import db
from talentpool.organisations.models import (
    AuditEntry, OfficeRole, Organisation, OrganisationMember,
)
from talentpool.organisations.audit import record
from talentpool.organisations.service import OrganisationError
from talentpool.spreadsheets import to_csv

ROLE_LABELS = {
    OfficeRole.OFFICE_ADMIN: _l("Office administrator (考务管理员)"),
    OfficeRole.RATER: _l("Rater (考评员)"),
    OfficeRole.PROCTOR: _l("Proctor (监考员)"),
    OfficeRole.SUPERVISOR: _l("Supervisor (督导员)"),
    OfficeRole.PANEL_MEMBER: _l("Panel member (评审专家)"),
}
AUDIT_COLUMNS = ("at", "actor", "action", "subject", "before", "after")


def roles_in(user_id: int | None, organisation_id: int) -> set[OfficeRole]:
    """The office roles the person holds in the organisation."""
    if user_id is None:
        return set()
    return set(db.session.scalars(select(OrganisationMember.role).where(
        OrganisationMember.organisation_id == organisation_id,
        OrganisationMember.user_id == user_id)))


def may_manage(user, organisation: Organisation) -> bool:
    """Whether ``user`` administers the organisation: an instance administrator, or its
    office administrator."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == Role.ADMIN or OfficeRole.OFFICE_ADMIN in roles_in(user.id,
                                                                           organisation.id)


def memberships_of(user_id: int) -> list[tuple[Organisation, list[OfficeRole]]]:
    """The organisations the person holds office roles in, with those roles."""
    rows = db.session.execute(select(Organisation, OrganisationMember.role).join(
        OrganisationMember, OrganisationMember.organisation_id == Organisation.id).where(
        OrganisationMember.user_id == user_id).order_by(Organisation.id))
    found: dict[int, tuple[Organisation, list[OfficeRole]]] = {}
    for organisation, role in rows:
        found.setdefault(organisation.id, (organisation, []))[1].append(role)
    return list(found.values())


def members(organisation: Organisation) -> list[tuple[OrganisationMember, User]]:
    """The organisation's appointments, by role and name."""
    return list(db.session.execute(select(OrganisationMember, User).join(
        User, User.id == OrganisationMember.user_id).where(
        OrganisationMember.organisation_id == organisation.id).order_by(
        OrganisationMember.role, User.display_name)).all())


def appoint(organisation: Organisation, email: str, role: str, actor) -> OrganisationMember:
    """Appoint the account with ``email`` to ``role`` in the organisation. Commits."""
    try:
        office_role = OfficeRole(role)
    except ValueError:
        raise OrganisationError(_("Choose one of the office roles.")) from None
    person = find_user_by_email(email or "")
    if person is None or not person.active:
        raise OrganisationError(_("No active account has the e-mail address %(email)s.",
                                  email=(email or "")[:254]))
    member = OrganisationMember(organisation_id=organisation.id, user_id=person.id,
                                role=office_role, appointed_by_id=getattr(actor, "id", None))
    db.session.add(member)
    record(organisation.id, actor, "appoint", person.email,
           after={"role": office_role.value, "name": person.display_name})
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise OrganisationError(_("%(name)s already holds this role here.",
                                  name=person.display_name)) from None
    return member


def dismiss(organisation: Organisation, member_id: int, actor) -> None:
    """End an appointment. Commits."""
    member = db.session.get(OrganisationMember, member_id)
    if member is None or member.organisation_id != organisation.id:
        raise OrganisationError(_("This appointment does not exist (any more)."))
    person = db.session.get(User, member.user_id)
    record(organisation.id, actor, "dismiss", person.email,
           before={"role": member.role.value, "name": person.display_name})
    db.session.delete(member)
    db.session.commit()


def audit_log(organisation: Organisation, limit: int = 500) -> list[AuditEntry]:
    """The organisation's newest audit entries first."""
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.organisation_id == organisation.id).order_by(
        AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)))


def audit_csv(organisation: Organisation) -> bytes:
    """The whole audit log, oldest first, as a spreadsheet-safe CSV (``spreadsheets.to_csv``)."""
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.organisation_id == organisation.id).order_by(AuditEntry.at, AuditEntry.id))
    return to_csv(AUDIT_COLUMNS, (
        (entry.at.strftime("%Y-%m-%dT%H:%M:%SZ"), entry.actor, entry.action, entry.subject,
         json.dumps(entry.before, ensure_ascii=False, sort_keys=True),
         json.dumps(entry.after, ensure_ascii=False, sort_keys=True)) for entry in entries))
