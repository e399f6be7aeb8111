"""Problems with items reported by trainees from practice feedback, and their review.

Only a trainee who answered the (practice) item may report it — exam items are never shown in
practice, so nobody can learn of one this way. One open report per person and item; at most
``MAX_REPORTS_PER_DAY`` a day each. Administrators see open reports with the item, its gold
answer and explanation (``/admin/bank/reports``) and resolve them with a note; fixing the item
itself is a new pack version.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from talentpool.assessment.models import ACTIVE, PRACTICE, Item, ItemReport
from talentpool.database import utcnow
from talentpool.extensions import db

REASONS = {"key": _l("The answer key looks wrong"), "unclear": _l("The question is unclear"),
           "language": _l("A typo or a translation problem"),
           "media": _l("An image or audio does not load"), "other": _l("Something else")}
MAX_TEXT = 2000
MAX_REPORTS_PER_DAY = 20


class ReportError(Exception):
    """A refused report; ``str(error)`` says why."""


def report(user_id: int, item_public_id: str, reason: str, text: str,
           now: datetime | None = None) -> ItemReport:
    """Record a trainee's report of a practice item they answered. Commits."""
    from talentpool.practice.models import Response  # practice builds on the item bank

    now = now or utcnow()
    item = db.session.scalar(select(Item).where(
        Item.public_id == item_public_id, Item.use == PRACTICE, Item.status == ACTIVE))
    answered = item is not None and db.session.scalar(select(Response.id).where(
        Response.user_id == user_id, Response.item_id == item.id).limit(1)) is not None
    if not answered:
        raise ReportError(_("You can report a problem with an item after answering it."))
    if reason not in REASONS:
        raise ReportError(_("Choose what is wrong with the item."))
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ReportError(_("Describe the problem in at most %(n)d characters.", n=MAX_TEXT))
    if reason == "other" and not text:
        raise ReportError(_("Describe the problem."))
    if db.session.scalar(select(ItemReport.id).where(
            ItemReport.user_id == user_id, ItemReport.item_id == item.id,
            ItemReport.resolved_at.is_(None))) is not None:
        raise ReportError(_("You have already reported this item; it is waiting for review."))
    today = db.session.scalar(select(func.count(ItemReport.id)).where(
        ItemReport.user_id == user_id, ItemReport.created_at > now - timedelta(days=1)))
    if today >= MAX_REPORTS_PER_DAY:
        raise ReportError(_("You have sent many reports today; please try again tomorrow."))
    found = ItemReport(item_id=item.id, user_id=user_id, reason=reason, text=text,
                       created_at=now)
    db.session.add(found)
    db.session.commit()
    return found


def open_reports() -> list[ItemReport]:
    return list(db.session.scalars(select(ItemReport).where(ItemReport.resolved_at.is_(None))
                                   .order_by(ItemReport.created_at)))


def reports_of(item_id: int) -> list[ItemReport]:
    return list(db.session.scalars(select(ItemReport).where(ItemReport.item_id == item_id)
                                   .order_by(ItemReport.created_at.desc())))


def resolve(report_public_id: str, resolution: str, actor) -> ItemReport:
    """Close a report with the administrator's note. Commits."""
    found = db.session.scalar(select(ItemReport).where(
        ItemReport.public_id == report_public_id, ItemReport.resolved_at.is_(None)))
    if found is None:
        raise ReportError(_("No such open report."))
    resolution = (resolution or "").strip()
    if not resolution or len(resolution) > MAX_TEXT:
        raise ReportError(_("Say what was done (at most %(n)d characters).", n=MAX_TEXT))
    found.resolved_at, found.resolved_by_id, found.resolution = utcnow(), actor.id, resolution
    db.session.commit()
    return found
