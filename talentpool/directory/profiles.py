"""Trainee use cases: consent to listing, withdraw it, edit the profile.

Listing is opt-in (PIPL art. 23): ``give_consent`` records which fields employers will see
and lists the profile; ``withdraw_consent`` unlists it at once. Consents are appended,
never edited. ``update_profile`` takes only the fields a trainee may set: tier, level,
skill and role are computed elsewhere and cannot be sent in (SECURITY row 11).
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from talentpool.accounts.models import User
from talentpool.database import utcnow
from talentpool.directory.keywords import refresh_search_text
from talentpool.directory.models import ListingConsent, TalentProfile
from talentpool.directory.placement import place_person
from talentpool.directory.privacy import (
    AVAILABILITY, LANGUAGES, NOTICE_VERSION, OPTIONAL_FIELDS, shared_fields,
)
from talentpool.extensions import db

EDITABLE = ("pool_name", "headline", "region", "languages", "availability", "phone")
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()-]{6,24}$")


class DirectoryError(Exception):
    """A talent-pool use case refused; ``str(error)`` is a translated message."""


def profile_of(user_id: int) -> TalentProfile | None:
    """The person's profile, listed or not."""
    return db.session.scalar(select(TalentProfile).where(TalentProfile.user_id == user_id))


def consent_history(user_id: int) -> list[ListingConsent]:
    """Every consent given or withdrawn, newest first."""
    return list(db.session.scalars(select(ListingConsent).where(ListingConsent.user_id == user_id)
                                   .order_by(ListingConsent.at.desc(), ListingConsent.id.desc())))


def _clean(values: dict) -> dict:
    """Checked profile fields; anything outside ``EDITABLE`` is dropped."""
    cleaned = {key: values[key] for key in EDITABLE if key in values and values[key] is not None}
    if "pool_name" in cleaned:
        cleaned["pool_name"] = str(cleaned["pool_name"]).strip()
        if not 2 <= len(cleaned["pool_name"]) <= 40:
            raise DirectoryError(_("Choose a display name of 2 to 40 characters."))
    for key, limit in (("headline", 160), ("region", 40)):
        if key in cleaned:
            cleaned[key] = str(cleaned[key]).strip()[:limit]
    if "languages" in cleaned:
        codes = [code for code in cleaned["languages"] if code in LANGUAGES]
        cleaned["languages"] = "," + ",".join(codes) + "," if codes else ""
    if "availability" in cleaned and cleaned["availability"] not in AVAILABILITY:
        raise DirectoryError(_("Choose one of the availability options."))
    if cleaned.get("phone"):
        cleaned["phone"] = str(cleaned["phone"]).strip()
        if not PHONE_PATTERN.match(cleaned["phone"]):
            raise DirectoryError(_("Enter a phone number of digits, spaces and +()-."))
    return cleaned


def update_profile(user: User, values: dict) -> TalentProfile:
    """Create or edit the profile (listed or not); only ``EDITABLE`` fields count; commits."""
    cleaned = _clean(values)
    profile = profile_of(user.id)
    if profile is None:
        if not cleaned.get("pool_name"):
            raise DirectoryError(_("Choose a display name for the pool."))
        profile = TalentProfile(user_id=user.id, pool_name=cleaned["pool_name"])
        db.session.add(profile)
        db.session.flush()
        place_person(user.id, utcnow())
    for key, value in cleaned.items():
        setattr(profile, key, value)
    refresh_search_text(profile)
    profile.updated_at = utcnow()
    db.session.commit()
    return profile


def give_consent(user: User, optional_fields: list[str]) -> ListingConsent:
    """List the profile, showing the core fields plus the chosen optional ones; commits."""
    profile = profile_of(user.id)
    if profile is None:
        raise DirectoryError(_("Fill in your pool profile first."))
    for name in OPTIONAL_FIELDS:
        setattr(profile, f"share_{name}", name in optional_fields)
    refresh_search_text(profile)
    profile.listed = True
    consent = ListingConsent(user_id=user.id, action="given", fields=shared_fields(profile),
                             notice_version=NOTICE_VERSION, at=utcnow())
    db.session.add(consent)
    db.session.commit()
    return consent


def withdraw_consent(user: User) -> ListingConsent | None:
    """Unlist the profile from every search at once and record the withdrawal; commits."""
    profile = profile_of(user.id)
    if profile is None or not profile.listed:
        return None
    profile.listed = False
    consent = ListingConsent(user_id=user.id, action="withdrawn", fields=[],
                             notice_version=NOTICE_VERSION, at=utcnow())
    db.session.add(consent)
    db.session.commit()
    return consent
