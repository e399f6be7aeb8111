"""Item-bank use cases: import exam packs, look items up."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from talentpool.accounts.models import User
from talentpool.assessment import drafts
from talentpool.assessment.models import (
    ACTIVE, DRAFT, EXAM, RETIRED, AssessmentElement, ExamPack, Item,
)
from talentpool.assessment.packs import (
    Pack, Problem, find_elements_file, load_elements, validate_tree,
)
from talentpool.assessment.packzip import UnsafeArchive, safe_extract
from talentpool.config import PROJECT_ROOT
from talentpool.database import utcnow
from talentpool.extensions import db

DEFAULT_EXAMS = PROJECT_ROOT / "exams"


class PackImportError(Exception):
    """A pack cannot be imported; the message says why."""


@dataclass(frozen=True)
class ImportResult:
    """What importing one pack changed."""

    pack: str
    version: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    restored: int = 0
    drafts: int = 0  # items of the pack waiting for review after the import


def asset_urls(item: Item) -> dict[str, str]:
    """Map each ``assets/…`` path in an item's spec to the URL that serves it."""
    from flask import url_for

    from talentpool.assessment.packs import asset_refs

    return {ref: url_for("practice.asset", pack=item.pack.slug, version=item.pack.asset_version,
                         path=ref) for ref, _holder in asset_refs(item.spec)}


def asset_root() -> Path:
    """Where imported assets are kept (served from there, not from the pack folder)."""
    return Path(current_app.config["INSTANCE_PATH"]) / "packs"


def validate_path(path: Path) -> tuple[list[Pack], list[Problem]]:
    """Validate a pack folder, a folder of packs, or a .zip; nothing is stored."""
    with _opened(path) as folder:
        return validate_tree(folder, find_elements_file(folder, DEFAULT_EXAMS / "elements.yaml"))


def import_path(path: Path, by: User | None = None) -> tuple[list[ImportResult], list[Problem]]:
    """Validate and import every pack at ``path``; a pack with problems imports nothing.

    New and changed items become drafts until another administrator than ``by`` (the importing
    user; None when unknown) approves them (``drafts``)."""
    with _opened(path) as folder:
        elements_file = find_elements_file(folder, DEFAULT_EXAMS / "elements.yaml")
        packs, problems = validate_tree(folder, elements_file)
        if problems:
            return [], problems
        _store_elements(elements_file)
        return [import_pack(pack, by) for pack in packs], []


class _opened:
    """Context manager: a folder as is, or a .zip unpacked safely into a temporary folder."""

    def __init__(self, path: Path):
        self.path, self.tmp = Path(path), None

    def __enter__(self) -> Path:
        if self.path.is_dir():
            return self.path
        if self.path.suffix.lower() != ".zip" or not self.path.is_file():
            raise PackImportError(f"{self.path}: not a pack folder or a .zip file")
        self.tmp = tempfile.TemporaryDirectory(prefix="talentpool-pack-")
        try:
            return safe_extract(self.path, Path(self.tmp.name))
        except UnsafeArchive as error:
            self.tmp.cleanup()
            raise PackImportError(str(error)) from None

    def __exit__(self, *_exc) -> None:
        if self.tmp:
            self.tmp.cleanup()


def _store_elements(elements_file: Path) -> None:
    elements, _ = load_elements(elements_file)
    known = {e.code: e for e in db.session.scalars(select(AssessmentElement))}
    for code, entry in elements.items():
        row = known.get(code) or AssessmentElement(code=code)
        row.name, row.part = entry["name"], entry.get("part", "practical")
        db.session.add(row)


def import_pack(pack: Pack, by: User | None = None) -> ImportResult:
    """Insert or update one validated pack and its items; one commit."""
    row = db.session.scalar(select(ExamPack).where(ExamPack.slug == pack.id))
    content_hash = pack.content_hash
    if row is not None and row.content_hash == content_hash:
        waiting = db.session.scalar(select(func.count(Item.id)).where(
            Item.pack_id == row.id, Item.status == DRAFT))
        db.session.commit()  # elements may have changed
        return ImportResult(pack.id, pack.version, unchanged=len(pack.items), drafts=waiting)
    if row is not None and pack.version <= row.version:
        db.session.rollback()
        raise PackImportError(f"{pack.id}: content changed but version {pack.version} is not "
                              f"above the imported version {row.version}; raise 'version'")
    asset_version = content_hash[:12]
    _copy_assets(pack, asset_root() / pack.id / asset_version)
    if row is None:
        row = ExamPack(slug=pack.id)
        db.session.add(row)
    row.version, row.title, row.description = pack.version, pack.title, pack.description
    row.track, row.levels, row.licence = pack.track, list(pack.levels), pack.licence
    row.content_hash, row.asset_version, row.imported_at = content_hash, asset_version, utcnow()
    db.session.flush()
    counts = _sync_items(row, pack, by)
    db.session.commit()
    return ImportResult(pack.id, pack.version, **counts)


def _shown_in_practice(item_id: int) -> bool:
    from talentpool.practice.models import Response

    return db.session.scalar(select(Response.id).where(Response.item_id == item_id).limit(1)) \
        is not None


def _copy_assets(pack: Pack, target: Path) -> None:
    for asset in pack.assets:
        destination = target / asset
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pack.root / asset, destination)


def _sync_items(row: ExamPack, pack: Pack, by: User | None) -> dict[str, int]:
    counts = {"added": 0, "updated": 0, "unchanged": 0, "retired": 0, "restored": 0,
              "drafts": 0}
    existing = {item.key: item for item in db.session.scalars(
        select(Item).where(Item.pack_id == row.id))}
    approved = drafts.approved_contents(row.id)
    importer_id = by.id if by is not None else None  # read before items are pending
    for source in pack.items:
        item = existing.pop(source.key, None)
        was_live = False
        if item is None:
            item = Item(pack_id=row.id, key=source.key, revision=1)
            db.session.add(item)
            counts["added"] += 1
        elif item.content_hash != source.content_hash:
            item.revision += 1
            counts["updated"] += 1
        else:
            was_live = item.status == ACTIVE
            counts["unchanged"] += 1
        if item.status == RETIRED:
            counts["restored"] += 1
        if item.id is not None and item.status != DRAFT and item.previous_content is None:
            item.previous_content = drafts.content_of(item)  # what a review compares to
        item.type_id, item.track, item.prompt = source.type_id, pack.track, source.prompt
        item.spec, item.gold, item.explanation = source.spec, source.gold, source.explanation
        item.element, item.tags = source.element, list(source.tags)
        item.thresholds, item.levels = list(source.thresholds), list(source.levels)
        if source.use == EXAM and item.use != EXAM and item.id is not None \
                and _shown_in_practice(item.id):
            db.session.rollback()
            raise PackImportError(
                f"{pack.id} [{source.key}]: this item was shown in practice, where its gold "
                "answer is revealed, so it can never become a secure exam item; give the exam "
                "version a new id")
        item.use, item.source = source.use, source.source
        # live if it was and did not change, or this content was approved before
        status = ACTIVE if was_live or (item.id, source.content_hash) in approved else DRAFT
        if item.content_hash != source.content_hash or item.status != status:
            item.imported_by_id = importer_id
        if status == ACTIVE:
            item.previous_content = None
        counts["drafts"] += status == DRAFT
        item.content_hash, item.status, item.updated_at = source.content_hash, status, utcnow()
    for item in existing.values():
        if item.status != RETIRED:
            item.status = RETIRED
            counts["retired"] += 1
    return counts
