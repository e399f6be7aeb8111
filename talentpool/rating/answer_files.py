"""Files uploaded with a written answer: checked by content, kept with the attempt, listed in
the answer, and served only to the candidate who wrote it and the raters assigned to it.

A file is accepted while its task is on the candidate's screen and the task allows files
(``spec.answer.files``, at most that many at a time). Types are judged by the first bytes (PDF,
PNG, JPEG), by the workbook's parts (XLSX: a ZIP with ``[Content_Types].xml`` and ``xl/``, read
from its directory only) or as text (CSV: no NUL byte, UTF-8 or GB18030), and the name must end
as its type does. At most ``RATING_FILE_MAX_BYTES`` each (default 10 MB). A refused file stores
nothing and says why.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from talentpool.assessment.models import ExamAttempt, Item
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.input_guard import clean_filename
from talentpool.rating.models import AnswerFile, RatingAssignment, RatingTask
from talentpool.scoring import get_scorer

EXTENSIONS = {"pdf": (".pdf",), "png": (".png",), "jpeg": (".jpg", ".jpeg"),
              "xlsx": (".xlsx",), "csv": (".csv",)}
MEDIA_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "csv": "text/csv; charset=utf-8"}


class FileError(Exception):
    """A refused upload; ``str(error)`` says what went wrong and what to do."""


def file_type(data: bytes) -> str | None:
    """pdf, png, jpeg, xlsx or csv by content (see the module docstring), else None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        return "xlsx" if "[Content_Types].xml" in names and any(
            n.startswith("xl/") for n in names) else None
    if b"\x00" not in data:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                data.decode(encoding)
                return "csv"
            except UnicodeDecodeError:
                continue
    return None


def _current_task(attempt: ExamAttempt) -> Item:
    item = db.session.get(Item, attempt.current_item_id) if attempt.current_item_id else None
    if attempt.state not in ("theory", "practical") or item is None or \
            not get_scorer(item.type_id).human_scored or not item.spec["answer"].get("files"):
        raise FileError(_("Files can be added only to a written task that asks for them, "
                          "while it is on your screen."))
    return item


def checked(filename: str, data: bytes, kinds: tuple[str, ...], fallback: str) -> tuple[str, str]:
    """The cleaned name and the type of an acceptable file: not empty, at most
    ``RATING_FILE_MAX_BYTES``, one of ``kinds`` by its content, named as its type; else
    FileError saying what to do."""
    name = clean_filename(filename, fallback)
    limit = current_app.config["RATING_FILE_MAX_BYTES"]
    if not data:
        raise FileError(_("The file %(name)s is empty; choose it again.", name=name))
    if len(data) > limit:
        raise FileError(_("The file %(name)s is larger than %(size)d MB.", name=name,
                          size=limit // 1048576))
    kind = file_type(data)
    if kind not in kinds:
        raise FileError(_("The file %(name)s is not a %(kinds)s file by its content.",
                          name=name, kinds=" / ".join(k.upper() for k in kinds)))
    if not name.lower().endswith(EXTENSIONS[kind]):
        raise FileError(_("The name of %(name)s does not match its content (%(kind)s); rename "
                          "it to end in %(ext)s.", name=name, kind=kind.upper(),
                          ext=EXTENSIONS[kind][0]))
    return name, kind


def upload(attempt: ExamAttempt, filename: str, data: bytes) -> AnswerFile:
    """Keep one file for the written task on the candidate's screen. Commits."""
    item = _current_task(attempt)
    name, kind = checked(filename, data, ("pdf", "xlsx", "csv", "png", "jpeg"), "answer")
    held = db.session.scalar(select(func.count(AnswerFile.id)).where(
        AnswerFile.attempt_id == attempt.id, AnswerFile.item_id == item.id))
    if held >= item.spec["answer"]["files"]:
        raise FileError(_("This task takes at most %(n)d file(s); remove one first.",
                          n=item.spec["answer"]["files"]))
    stored = AnswerFile(attempt_id=attempt.id, item_id=item.id, filename=name, file_type=kind,
                        size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data,
                        uploaded_at=utcnow())
    db.session.add(stored)
    db.session.commit()
    return stored


def remove(attempt: ExamAttempt, public_id: str) -> None:
    """Take a file off the task on the candidate's screen. Commits."""
    item = _current_task(attempt)
    found = db.session.scalar(select(AnswerFile).where(
        AnswerFile.public_id == public_id, AnswerFile.attempt_id == attempt.id,
        AnswerFile.item_id == item.id))
    if found is None:
        raise FileError(_("No such file of this task."))
    db.session.delete(found)
    db.session.commit()


def files_of(attempt_id: int, item_id: int) -> list[AnswerFile]:
    return list(db.session.scalars(select(AnswerFile).where(
        AnswerFile.attempt_id == attempt_id, AnswerFile.item_id == item_id)
        .order_by(AnswerFile.id)))


def listing(stored: AnswerFile) -> dict:
    """The file as a written answer lists it (the ``rubric`` answer's ``files`` entries)."""
    return {"id": stored.public_id, "name": stored.filename, "type": stored.file_type,
            "bytes": stored.size}


def check_listing(attempt: ExamAttempt, item: Item, answer: dict) -> None:
    """The answer lists exactly files uploaded for this attempt and task; ValueError if not."""
    kept = {stored.public_id: listing(stored) for stored in files_of(attempt.id, item.id)}
    for entry in answer.get("files", []):
        if kept.get(entry.get("id")) != entry:
            raise ValueError(_("a listed file was not uploaded with this task; add it again"))


def for_rater(user_id: int, assignment_public_id: str, file_public_id: str) -> AnswerFile | None:
    """The file of an answer assigned to the person, else None."""
    return db.session.scalar(
        select(AnswerFile)
        .join(RatingTask, (RatingTask.attempt_id == AnswerFile.attempt_id)
              & (RatingTask.item_id == AnswerFile.item_id))
        .join(RatingAssignment, RatingAssignment.task_id == RatingTask.id)
        .where(AnswerFile.public_id == file_public_id,
               RatingAssignment.public_id == assignment_public_id,
               RatingAssignment.rater_id == user_id))
