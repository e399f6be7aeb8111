"""Use cases about the holder's photo (照片) on the certificate: upload, review, print.

The holder uploads; a reviewer approves or refuses with a reason the holder sees. A person has
at most one photo in each state. A new upload replaces a waiting or refused one; an approved
photo keeps printing until a newer upload is approved, which then replaces it. Photos are shown
only to their holder and to reviewers (``may_review_photos``), never on public pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from talentpool.accounts.models import User
from talentpool.auth import Role
from talentpool.certification import photo_image
from talentpool.certification.models import HolderPhoto, PhotoState
from talentpool.certification.service import CertificationError
from talentpool.database import rfc3339, utcnow
from talentpool.extensions import db

REASON_MAX = 500


def may_review_photos(user) -> bool:
    """Whether ``user`` may see every holder's photo and decide on it: the one permission check
    (administrators today; evaluation-organisation staff may join them)."""
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.ADMIN


def photo_message(problem: str) -> str:
    """A translated sentence for a ``photo_image`` problem code."""
    return {
        photo_image.EMPTY: _("Choose a photo to upload."),
        photo_image.TOO_LARGE: _("The photo is larger than %(mb)d MB.",
                                 mb=photo_image.MAX_BYTES // (1024 * 1024)),
        photo_image.NOT_IMAGE: _("The file is not a picture that can be read, or it is damaged."),
        photo_image.WRONG_TYPE: _("Upload the photo as a JPEG or PNG file."),
        photo_image.TOO_MANY_PIXELS: _("The picture has too many pixels (at most %(mp)d "
                                       "million).", mp=photo_image.MAX_PIXELS // 1_000_000),
        photo_image.TOO_SMALL: _("The picture is too small: its shorter side needs at least "
                                 "%(px)d pixels.", px=photo_image.MIN_SIDE),
    }[problem]


def photos_of(user_id: int | None) -> dict[PhotoState, HolderPhoto]:
    """The person's photos by state (at most one each); empty when they have none."""
    if user_id is None:
        return {}
    rows = db.session.scalars(select(HolderPhoto).where(HolderPhoto.user_id == user_id))
    return {row.state: row for row in rows}


def approved_photo(user_id: int | None) -> bytes | None:
    """The JPEG the person's certificates print, or None before a photo is approved."""
    if user_id is None:
        return None
    return db.session.scalar(select(HolderPhoto.jpeg).where(
        HolderPhoto.user_id == user_id, HolderPhoto.state == PhotoState.APPROVED))


def upload_photo(user, data: bytes) -> HolderPhoto:
    """Re-encode ``data`` and make it the person's photo waiting for review, replacing a waiting
    or refused one; an approved photo stays. Nothing is stored on bad input. Commits."""
    try:
        jpeg = photo_image.prepare_photo(data)
    except photo_image.PhotoProblem as problem:
        raise CertificationError(photo_message(problem.code)) from problem
    db.session.execute(delete(HolderPhoto).where(
        HolderPhoto.user_id == user.id,
        HolderPhoto.state.in_((PhotoState.PENDING, PhotoState.REJECTED))))
    row = HolderPhoto(user_id=user.id, state=PhotoState.PENDING, jpeg=jpeg, uploaded_at=utcnow())
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError as error:  # another upload of the same person committed first
        db.session.rollback()
        raise CertificationError(_("Another upload of your photo arrived at the same time. "
                                   "Reload the page to see which one is waiting.")) from error
    return row


def find_photo(public_id: str) -> HolderPhoto | None:
    """The photo with this public id, or None."""
    return db.session.scalar(select(HolderPhoto).where(HolderPhoto.public_id == public_id))


def may_see(user, photo: HolderPhoto) -> bool:
    """Whether ``user`` may see ``photo``: its holder, or a reviewer."""
    if not getattr(user, "is_authenticated", False):
        return False
    return photo.user_id == user.id or may_review_photos(user)


@dataclass(frozen=True)
class QueuedPhoto:
    """A photo waiting for review, its holder, and the photo it would replace (if any)."""

    photo: HolderPhoto
    holder: User
    approved_public_id: str | None


def review_queue() -> list[QueuedPhoto]:
    """Photos waiting for review, oldest first, with their holders."""
    approved = aliased(HolderPhoto)
    rows = db.session.execute(
        select(HolderPhoto, User, approved.public_id)
        .join(User, User.id == HolderPhoto.user_id)
        .outerjoin(approved, (approved.user_id == HolderPhoto.user_id)
                   & (approved.state == PhotoState.APPROVED))
        .where(HolderPhoto.state == PhotoState.PENDING)
        .order_by(HolderPhoto.uploaded_at, HolderPhoto.id))
    return [QueuedPhoto(photo, holder, approved_id) for photo, holder, approved_id in rows]


def _decide(public_id: str, reviewer, state: PhotoState, reason: str | None) -> HolderPhoto:
    """Move the waiting photo to ``state`` if it is still waiting (a conditional update, so two
    reviewers cannot both decide); an approval retires the earlier approved photo. Commits."""
    if not may_review_photos(reviewer):
        raise CertificationError(_("Only reviewers may decide on photos."))
    photo = find_photo(public_id)
    if photo is None or photo.state != PhotoState.PENDING:
        raise CertificationError(_("This photo is no longer waiting for review: it was decided "
                                   "or replaced by a newer upload."))
    if state == PhotoState.APPROVED:
        db.session.execute(delete(HolderPhoto).where(
            HolderPhoto.user_id == photo.user_id, HolderPhoto.state == PhotoState.APPROVED))
    else:
        db.session.execute(delete(HolderPhoto).where(
            HolderPhoto.user_id == photo.user_id, HolderPhoto.state == PhotoState.REJECTED))
    moved = db.session.execute(
        update(HolderPhoto).where(HolderPhoto.id == photo.id,
                                  HolderPhoto.state == PhotoState.PENDING)
        .values(state=state, decided_at=utcnow(), decided_by_id=reviewer.id, reason=reason)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        db.session.rollback()
        raise CertificationError(_("This photo is no longer waiting for review: it was decided "
                                   "or replaced by a newer upload."))
    try:
        db.session.commit()
    except IntegrityError as error:  # another reviewer decided at the same moment
        db.session.rollback()
        raise CertificationError(_("This photo is no longer waiting for review: it was decided "
                                   "or replaced by a newer upload.")) from error
    db.session.refresh(photo)
    return photo


def approve_photo(public_id: str, reviewer) -> HolderPhoto:
    """Approve a waiting photo: from now on the holder's certificates print it. Commits."""
    return _decide(public_id, reviewer, PhotoState.APPROVED, None)


def reject_photo(public_id: str, reviewer, reason: str) -> HolderPhoto:
    """Refuse a waiting photo with a reason the holder sees; an approved photo stays. Commits."""
    reason = " ".join((reason or "").split())[:REASON_MAX]
    if not reason:
        raise CertificationError(_("Give the holder a reason for refusing the photo."))
    return _decide(public_id, reviewer, PhotoState.REJECTED, reason)


def photo_record(user_id: int) -> dict:
    """The state of the person's photos for their data export (times and reasons; the image
    itself is on the photo page)."""
    photos = photos_of(user_id)

    def entry(state: PhotoState) -> dict | None:
        row = photos.get(state)
        if row is None:
            return None
        return {"uploaded_at": rfc3339(row.uploaded_at), "decided_at": rfc3339(row.decided_at),
                **({"reason": row.reason} if state == PhotoState.REJECTED else {})}

    return {"printed_on_certificates": PhotoState.APPROVED in photos,
            "approved": entry(PhotoState.APPROVED), "pending": entry(PhotoState.PENDING),
            "rejected": entry(PhotoState.REJECTED),
            "size_px": [photo_image.WIDTH, photo_image.HEIGHT]}
