"""In-app notifications (站内信) and their e-mail copies.

Other domains call ``notify`` inside their own use case, before its one commit: it adds the row
and queues the e-mail copy, which goes out after that commit — never for a rolled-back one —
through ``accounts.mail.send_mail``, so without a MAIL_SERVER it is logged like every other
mail. The copy is worded in the recipient's language; each person can turn copies off (the
notification itself stays). Where an event already had a mail of its own (results, appeals,
cohort invitations), that mail stays as it was and the notification is in-app only
(``mail=False``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_request_context, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event, func, select, update

from talentpool.accounts.mail import send_mail
from talentpool.accounts.models import User
from talentpool.database import is_public_id, rfc3339, utcnow
from talentpool.extensions import db
from talentpool import i18n
from talentpool.notifications import kinds
from talentpool.notifications.models import Notification, NotificationPreference
from talentpool.urls import local_path

PER_PAGE = 20
_OUTBOX = "notification_mails"  # key in Session.info: mails waiting for the commit


def site_path(endpoint: str, **values) -> str:
    """The path of a page of this site, inside a request or not (scheduled jobs, shells)."""
    if has_request_context():
        return url_for(endpoint, **values)
    adapter = current_app.url_map.bind("localhost",
                                       script_name=current_app.config["APPLICATION_ROOT"])
    return adapter.build(endpoint, values)


def notify(user_id: int, kind: str, params: Mapping, link: str, mail: bool = True,
           private: Mapping | None = None) -> Notification:
    """Tell ``user_id`` that something happened; the caller's use case commits.

    ``params`` are stored and word the notification (``kinds.KINDS[kind]``); ``link`` is the
    path of the page it leads to. ``mail`` adds an e-mail copy unless the person turned copies
    off; ``private`` values appear only in that copy and are never stored (a shared contact).
    """
    path = local_path(link)
    if kind not in kinds.KINDS or path is None:
        raise ValueError(f"unknown notification kind {kind!r} or not a site path: {link!r}")
    params = dict(params)
    kinds.render(kind, params, strict=True)  # a missing parameter fails here, not on a page
    row = Notification(user_id=user_id, kind=kind, params=params, link=path, created_at=utcnow())
    db.session.add(row)
    if mail:
        _queue_mail(user_id, kind, params, path, private or {})
    return row


def _queue_mail(user_id: int, kind: str, params: dict, path: str, private: Mapping) -> None:
    person = db.session.get(User, user_id)
    if person is None or not person.active or not mail_wanted(user_id):
        return
    with force_locale(person.locale if person.locale in i18n.LOCALES else i18n.DEFAULT_LOCALE):
        title, body = kinds.render(kind, params)
        parts = [body, kinds.render_private(kind, private), _links(path)]
        text = "\n\n".join(part for part in parts if part)
    db.session.info.setdefault(_OUTBOX, []).append((person.email, title, text))


def _links(path: str) -> str:
    """The mail's link to the page and to the switch for copies, when the site's address is
    known (PUBLIC_BASE_URL, or the request's host)."""
    base = current_app.config["PUBLIC_BASE_URL"] or (
        request.host_url.rstrip("/") if has_request_context() else "")
    if not base:
        return _("You can turn these e-mails off on your notifications page in talentpool.")
    return "\n\n".join((
        _("Open it: %(link)s", link=base + path),
        _("You can turn these e-mails off on your notifications page: %(link)s",
          link=base + site_path("notifications.index"))))


@event.listens_for(db.session, "after_commit")
def _send_after_commit(session) -> None:
    for to, subject, body in session.info.pop(_OUTBOX, []):
        try:
            send_mail(to, subject, body)
        except Exception:  # the use case is committed: a lost copy is logged, not raised
            current_app.logger.exception("notification mail to %s failed", to)


@event.listens_for(db.session, "after_transaction_end")
def _drop_after_rollback(session, transaction) -> None:
    if transaction.parent is None:  # after a commit the queue is already empty
        session.info.pop(_OUTBOX, None)


def unread_count(user_id: int) -> int:
    """How many of the person's notifications are unread (one COUNT on an index)."""
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


@dataclass(frozen=True)
class Shown:
    """A notification as its reader sees it, worded in the current language."""

    public_id: str
    title: str
    body: str
    created_at: datetime
    unread: bool


@dataclass(frozen=True)
class NotificationPage:
    items: list[Shown]
    page: int
    pages: int
    total: int
    unread: int


def page_of(user_id: int, page: int = 1, per_page: int = PER_PAGE) -> NotificationPage:
    """One page of the person's notifications, newest first, with the totals."""
    total = db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user_id)
                              .order_by(Notification.created_at.desc(), Notification.id.desc())
                              .offset((page - 1) * per_page).limit(per_page))
    items = [Shown(row.public_id, *kinds.render(row.kind, row.params or {}), row.created_at,
                   row.read_at is None) for row in rows]
    return NotificationPage(items, page, pages, total, unread_count(user_id))


def open_notification(user_id: int, public_id: str) -> str | None:
    """Mark one of the person's notifications read and return its link; None when it is not
    theirs (or does not exist)."""
    if not is_public_id(public_id):
        return None
    row = db.session.scalar(select(Notification).where(
        Notification.public_id == public_id, Notification.user_id == user_id))
    if row is None:
        return None
    if row.read_at is None:
        row.read_at = utcnow()
        db.session.commit()
    return local_path(row.link) or site_path("notifications.index")


def mark_all_read(user_id: int) -> int:
    """Mark every unread notification of the person read; how many. Commits."""
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)).values(
        read_at=utcnow()))
    db.session.commit()
    return result.rowcount or 0


def mail_wanted(user_id: int) -> bool:
    """Whether the person wants e-mail copies (yes until they say otherwise)."""
    choice = db.session.get(NotificationPreference, user_id)
    return True if choice is None else choice.mail


def set_mail_wanted(user_id: int, wanted: bool) -> None:
    """Turn e-mail copies on or off for the person; commits."""
    choice = db.session.get(NotificationPreference, user_id)
    if choice is None:
        choice = NotificationPreference(user_id=user_id)
        db.session.add(choice)
    choice.mail, choice.changed_at = bool(wanted), utcnow()
    db.session.commit()


def export_records(user_id: int) -> list[dict]:
    """The person's notifications for their data export (PIPL art. 45), oldest first: what
    (the kind, its stored parameters, and its title and text in the current language), when,
    whether read, and where it leads. Only the person's own rows; values meant for the e-mail
    copy alone (``private``) were never stored, so none can appear."""
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user_id)
                              .order_by(Notification.created_at, Notification.id))
    records = []
    for row in rows:
        title, body = kinds.render(row.kind, row.params or {})
        records.append({"id": row.public_id, "kind": row.kind, "title": title, "text": body,
                        "params": row.params or {}, "link": row.link,
                        "created_at": rfc3339(row.created_at), "read": row.read_at is not None,
                        "read_at": rfc3339(row.read_at)})
    return records


def export_mail_choice(user_id: int) -> dict:
    """The person's e-mail choice for their data export; ``changed_at`` is None while they
    never chose (copies are on by default)."""
    choice = db.session.get(NotificationPreference, user_id)
    return {"mail_copies": mail_wanted(user_id),
            "changed_at": None if choice is None else rfc3339(choice.changed_at)}
