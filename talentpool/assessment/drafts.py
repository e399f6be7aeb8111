"""Drafts and their second-person review.

An item whose content is new, or differs from every content of it that was approved, is
imported as a draft (``DRAFT``): practice, exams, calibration and field tests draw only on
active items. An administrator other than the person who imported that revision approves it
(it goes live) or returns it with a note (it stays a draft). Approval belongs to a content
hash: an item that comes back to content approved before is live again without a new review.
Every decision is an ``ItemReview`` row, never changed or deleted. An item imported with no
recorded importer (the command line without ``--by``) may be approved by any administrator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, tuple_, update

from talentpool.assessment.models import ACTIVE, DRAFT, RETIRED, ExamPack, Item, ItemReview
from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.extensions import db

APPROVED, RETURNED = "approved", "returned"
STATUSES = {ACTIVE: _l("active"), DRAFT: _l("draft"), RETIRED: _l("retired")}
MAX_NOTE = 2000
# What defines an item's content (its content hash), with the name a reviewer reads.
CONTENT_FIELDS = {"prompt": _l("question"), "spec": _l("task"), "gold": _l("gold answer"),
                  "explanation": _l("explanation"), "type_id": _l("task type"),
                  "element": _l("element"), "tags": _l("tags"),
                  "thresholds": _l("score thresholds"), "levels": _l("levels"), "use": _l("use")}


class ReviewError(Exception):
    """A refused review; ``str(error)`` says why."""


def content_of(item: Item) -> dict:
    """The item's content fields, as kept in ``previous_content`` while a change is a draft."""
    return {field: getattr(item, field) for field in CONTENT_FIELDS}


def is_approved(item_id: int | None, content_hash: str) -> bool:
    """Whether this content of the item was ever approved."""
    return item_id is not None and db.session.scalar(select(ItemReview.id).where(
        ItemReview.item_id == item_id, ItemReview.content_hash == content_hash,
        ItemReview.decision == APPROVED).limit(1)) is not None


@dataclass(frozen=True)
class Draft:
    """A draft in the queue: what changed since the live content (None: a new item) and the
    latest decision on it, if it was returned."""

    item: Item
    changed: list[str] | None
    returned: ItemReview | None

    @property
    def changed_names(self) -> list[str]:
        return field_names(self.changed or [])


def field_names(fields: list[str]) -> list[str]:
    """The reviewer's names of content fields."""
    return [str(CONTENT_FIELDS[field]) for field in fields]


def changed_fields(item: Item) -> list[str] | None:
    """Fields that differ from the content that was live before (None when there was none)."""
    if item.previous_content is None:
        return None
    return [field for field in CONTENT_FIELDS
            if item.previous_content.get(field) != getattr(item, field)]


def draft_count() -> int:
    return db.session.scalar(select(func.count(Item.id)).where(Item.status == DRAFT))


def queue(pack_slug: str | None = None) -> list[tuple[ExamPack, list[Draft]]]:
    """Every draft grouped by pack (or one pack's drafts), in item-id order."""
    where = [Item.status == DRAFT] + ([ExamPack.slug == pack_slug] if pack_slug else [])
    items = list(db.session.scalars(select(Item).join(ExamPack, ExamPack.id == Item.pack_id)
                                    .where(*where).order_by(ExamPack.slug, Item.key)))
    latest: dict[int, ItemReview] = {}
    for review in db.session.scalars(
            select(ItemReview).join(Item, Item.id == ItemReview.item_id)
            .join(ExamPack, ExamPack.id == Item.pack_id).where(*where).order_by(ItemReview.id)):
        latest[review.item_id] = review
    groups: dict[int, tuple[ExamPack, list[Draft]]] = {}
    for item in items:
        review = latest.get(item.id)
        returned = review if review is not None and review.decision == RETURNED else None
        groups.setdefault(item.pack_id, (item.pack, []))[1].append(
            Draft(item, changed_fields(item), returned))
    return list(groups.values())


def reviews_of(item_id: int) -> list[ItemReview]:
    """The item's review history, newest first."""
    return list(db.session.scalars(select(ItemReview).where(ItemReview.item_id == item_id)
                                   .order_by(ItemReview.id.desc())))


def review(public_id: str, decision: str, note: str, reviewer, seen_hash: str | None = None,
           now: datetime | None = None) -> ItemReview:
    """Approve a draft (it goes live) or return it with a note (it stays a draft). One commit.

    ``seen_hash`` is the content the reviewer looked at: if the item was imported again since,
    the decision is refused rather than applied to content nobody reviewed."""
    (stored,) = _decide([(public_id, seen_hash)], decision, note, reviewer, now or utcnow())
    db.session.commit()
    return stored


def approve_many(choices: list[tuple[str, str | None]], reviewer,
                 now: datetime | None = None) -> list[ItemReview]:
    """Approve several drafts (public id, content hash seen) at once: one review per item, all
    or none. One commit."""
    choices = list(dict(choices).items())  # each item once
    if not choices:
        raise ReviewError(_("Select the drafts to approve."))
    stored = _decide(choices, APPROVED, "", reviewer, now or utcnow())
    db.session.commit()
    return stored


def _decide(choices, decision: str, note: str, reviewer, now: datetime) -> list[ItemReview]:
    if reviewer is None or reviewer.role != Role.ADMIN:
        raise ReviewError(_("Only an administrator reviews items."))
    if decision not in (APPROVED, RETURNED):
        raise ReviewError(_("Approve the draft or return it."))
    note = (note or "").strip()
    if decision == RETURNED and not note:
        raise ReviewError(_("Say why the draft is returned, so that its author can fix it."))
    if len(note) > MAX_NOTE:
        raise ReviewError(_("Write at most %(n)d characters.", n=MAX_NOTE))
    found = {item.public_id: item for item in db.session.scalars(
        select(Item).where(Item.public_id.in_([public_id for public_id, _seen in choices])))}
    for public_id, seen_hash in choices:
        item = found.get(public_id)
        if item is None or item.status != DRAFT:
            db.session.rollback()
            raise ReviewError(_("This item is not a draft waiting for review."))
        if seen_hash and seen_hash != item.content_hash:
            db.session.rollback()
            raise ReviewError(_("Item %(key)s was imported again after you opened the page; "
                                "look at it again.", key=item.key))
        if item.imported_by_id == reviewer.id:
            db.session.rollback()
            raise ReviewError(_("You imported item %(key)s: another administrator must review "
                                "it.", key=item.key))
    items = [found[public_id] for public_id, _seen in choices]
    if decision == APPROVED:
        # Conditional on the state read above, so that a concurrent import or decision cannot
        # make content live that nobody reviewed.
        done = db.session.execute(update(Item).where(
            tuple_(Item.id, Item.content_hash).in_([(i.id, i.content_hash) for i in items]),
            Item.status == DRAFT).values(status=ACTIVE, previous_content=None, updated_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if done != len(items):
            db.session.rollback()
            raise ReviewError(_("An item changed meanwhile; look at it again."))
    stored = [ItemReview(item_id=item.id, revision=item.revision, content_hash=item.content_hash,
                         submitted_by_id=item.imported_by_id, reviewer_id=reviewer.id,
                         decision=decision, note=note, created_at=now) for item in items]
    db.session.add_all(stored)
    db.session.flush()
    for item in items:
        db.session.expire(item)  # the update above bypassed them
    return stored


def approved_contents(pack_id: int) -> set[tuple[int, str]]:
    """(item id, content hash) of every approved content of the pack's items."""
    return {tuple(row) for row in db.session.execute(
        select(ItemReview.item_id, ItemReview.content_hash)
        .join(Item, Item.id == ItemReview.item_id)
        .where(Item.pack_id == pack_id, ItemReview.decision == APPROVED)).all()}
