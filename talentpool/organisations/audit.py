"""The audit log's one writer: every office action (and every site-wide administrator action,
without an organisation) adds its entry here, in the action's own transaction, so the entry and
the change are committed together or not at all."""

from __future__ import annotations

from datetime import datetime

from talentpool.database import utcnow, will_write
from talentpool.extensions import db
from talentpool.organisations.models import AuditEntry


def _actor_label(actor) -> str:
    if actor is None:
        return "shell"
    return f"{actor.display_name} <{actor.email}>"[:120]


def record(organisation_id: int | None, actor, action: str, subject: str,
           before: dict | None = None, after: dict | None = None,
           now: datetime | None = None) -> AuditEntry:
    """Add an audit entry to the current transaction (the action's use case commits it).
    ``organisation_id`` is None for site-wide actions (user management)."""
    will_write()
    entry = AuditEntry(organisation_id=organisation_id, actor_id=getattr(actor, "id", None),
                       actor=_actor_label(actor), at=(now or utcnow()).replace(microsecond=0),
                       action=action, subject=subject[:120], before=before or {},
                       after=after or {})
    db.session.add(entry)
    return entry
