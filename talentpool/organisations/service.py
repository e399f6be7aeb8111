"""Evaluation organisation use cases: the default issuer, registration and title rules, seals.

A certificate may call itself 职业技能等级证书 only when the organisation's registration (备案)
covers the occupation, work type and level (MOHRSS 2022 notice on the certificate's style);
otherwise it carries the organisation's own title, which must not claim to be one.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from talentpool.database import utcnow, will_write
from talentpool.extensions import db
from talentpool.organisations.audit import record
from talentpool.organisations.models import Organisation
from talentpool.urls import public_base_url

NATIONAL_TITLE = {"zh": "职业技能等级证书", "en": "Vocational Skill Level Certificate"}
OTHER_TITLE = {"zh": "技能考核成绩证明", "en": "Skill Assessment Record"}
DEFAULT_SLUG = "talentpool"
DEFAULT_NAME = "talentpool 职业技能等级认定 · talentpool Skill Level Certification"
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
MAX_SEAL_BYTES = 1_000_000
LEVELS = (5, 4, 3, 2, 1)


class OrganisationError(Exception):
    """A use case refused; ``str(error)`` is a translated message for the person."""


MAX_APPEAL_WINDOW_DAYS = 60


@dataclass(frozen=True)
class OrganisationFields:
    """What an administrator enters about an organisation."""

    name: str
    name_en: str = ""
    code: str = ""
    registration_number: str = ""
    registered_levels: tuple[int, ...] = ()
    other_title_zh: str = OTHER_TITLE["zh"]
    other_title_en: str = OTHER_TITLE["en"]
    contact_email: str = ""
    contact_phone: str = ""
    address: str = ""
    appeal_window_days: int = 7  # 复核 window after results are published; 0: none
    public_results: bool = False  # also publish results as a public list, identities masked


def organisations() -> list[Organisation]:
    """Every organisation, oldest first (the first is the default issuer)."""
    return list(db.session.scalars(select(Organisation).order_by(Organisation.id)))


def by_slug(slug: str) -> Organisation | None:
    """The organisation named ``slug`` in URLs and DIDs, or None."""
    if not isinstance(slug, str) or not SLUG.match(slug):
        return None
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


def default_organisation() -> Organisation:
    """The organisation that issues when nothing else is said: the oldest one.

    An instance that has none yet gets one from ``ISSUER_NAME`` / ``ISSUER_SLUG`` with an empty
    registration (added to the session, flushed, not committed): it certifies under the
    non-national title until an administrator records its registration.
    """
    found = db.session.scalar(select(Organisation).order_by(Organisation.id).limit(1))
    if found is not None:
        return found
    will_write()
    config = current_app.config
    organisation = Organisation(
        slug=config.get("ISSUER_SLUG") or DEFAULT_SLUG,
        name=config.get("ISSUER_NAME") or DEFAULT_NAME, registered_levels=[],
        other_title_zh=OTHER_TITLE["zh"], other_title_en=OTHER_TITLE["en"])
    db.session.add(organisation)
    db.session.flush()
    return organisation


def did_web(base_url: str, slug: str) -> str:
    """The did:web DID of issuer ``slug`` on the site at ``base_url`` (port as ``%3A``); it
    resolves to ``<base_url>/issuers/<slug>/did.json``."""
    parts = urlsplit(base_url)
    segments = [quote(parts.netloc, safe="")]
    segments += [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return "did:web:" + ":".join([*segments, "issuers", quote(slug, safe="")])


def organisation_did(organisation: Organisation) -> str:
    """The organisation's DID on this site: the one place an issuer's identity is decided."""
    return did_web(public_base_url(), organisation.slug)


def covers(organisation: Organisation, level: int) -> bool:
    """Whether the organisation's registration covers ``level`` of this work type."""
    return level in (organisation.registered_levels or [])


def certificate_title(organisation: Organisation, level: int) -> dict[str, str]:
    """The certificate's title: the national one only within the registration scope."""
    if covers(organisation, level):
        return dict(NATIONAL_TITLE)
    return {"zh": organisation.other_title_zh, "en": organisation.other_title_en}


def _checked(fields: OrganisationFields) -> OrganisationFields:
    if not fields.name.strip():
        raise OrganisationError(_("Enter the organisation's registered name."))
    levels = tuple(sorted({int(n) for n in fields.registered_levels}, reverse=True))
    if any(n not in LEVELS for n in levels):
        raise OrganisationError(_("The level must be 1, 2, 3, 4 or 5."))
    titles = (fields.other_title_zh.strip(), fields.other_title_en.strip())
    if not all(titles):
        raise OrganisationError(_("Enter the title used outside the registration, in both "
                                  "languages."))
    if any(NATIONAL_TITLE["zh"] in title or NATIONAL_TITLE["en"].lower() in title.lower()
           for title in titles):
        raise OrganisationError(_("The title used outside the registration must not claim to "
                                  "be a national vocational skill level certificate."))
    if not 0 <= int(fields.appeal_window_days) <= MAX_APPEAL_WINDOW_DAYS:
        raise OrganisationError(_("The appeal window is 0 to %(days)d days.",
                                  days=MAX_APPEAL_WINDOW_DAYS))
    return OrganisationFields(
        fields.name.strip(), fields.name_en.strip(), fields.code.strip(),
        fields.registration_number.strip(), levels, titles[0], titles[1],
        fields.contact_email.strip(), fields.contact_phone.strip(), fields.address.strip(),
        int(fields.appeal_window_days), bool(fields.public_results))


def create_organisation(slug: str, fields: OrganisationFields, actor=None) -> Organisation:
    """Add an organisation. Commits."""
    slug = (slug or "").strip().lower()
    if not SLUG.match(slug):
        raise OrganisationError(_("The short name may use a–z, 0–9 and dashes (up to 40), "
                                  "starting and ending with a letter or digit."))
    fields = _checked(fields)
    organisation = Organisation(slug=slug, **_columns(fields))
    db.session.add(organisation)
    try:
        db.session.flush()
        record(organisation.id, actor, "organisation.create", slug, after=_columns(fields))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise OrganisationError(_("Another organisation already uses the short name "
                                  "%(slug)s.", slug=slug)) from None
    return organisation


def update_organisation(organisation: Organisation, fields: OrganisationFields,
                        actor=None) -> Organisation:
    """Change an organisation's details; its slug (its DID) never changes. Commits."""
    before, after = {}, {}
    for name, value in _columns(_checked(fields)).items():
        if getattr(organisation, name) != value:
            before[name], after[name] = getattr(organisation, name), value
            setattr(organisation, name, value)
    if after:
        organisation.updated_at = utcnow()
        record(organisation.id, actor, "organisation.update", organisation.slug, before, after)
    db.session.commit()
    return organisation


def _columns(fields: OrganisationFields) -> dict:
    return {"name": fields.name, "name_en": fields.name_en, "code": fields.code,
            "registration_number": fields.registration_number,
            "registered_levels": list(fields.registered_levels),
            "other_title_zh": fields.other_title_zh, "other_title_en": fields.other_title_en,
            "contact_email": fields.contact_email, "contact_phone": fields.contact_phone,
            "address": fields.address, "appeal_window_days": fields.appeal_window_days,
            "public_results": fields.public_results}


def set_seal(organisation: Organisation, data: bytes | None, actor=None) -> Organisation:
    """Store the seal printed on the organisation's certificates (PNG or JPEG), or remove it
    with ``None``. Commits."""
    if data is not None:
        if len(data) > MAX_SEAL_BYTES:
            raise OrganisationError(_("The seal image may be at most 1 MB."))
        try:
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                image.verify()
        except (OSError, UnidentifiedImageError, ValueError):
            raise OrganisationError(_("The seal must be a PNG or JPEG image.")) from None
        if kind not in ("PNG", "JPEG"):
            raise OrganisationError(_("The seal must be a PNG or JPEG image."))
    if _digest(organisation.seal_image) == _digest(data):
        return organisation  # nothing changes (e.g. removing a seal that is not there)
    record(organisation.id, actor, "organisation.seal", organisation.slug,
           {"seal_sha256": _digest(organisation.seal_image)}, {"seal_sha256": _digest(data)})
    organisation.seal_image = data
    organisation.updated_at = utcnow()
    db.session.commit()
    return organisation


def _digest(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data else None
