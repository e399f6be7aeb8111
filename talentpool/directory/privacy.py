"""What employers may see of a profile: the consented fields, and nothing else.

Every employer-facing page, API answer and export builds its profile data with
``employer_card``; fields outside the consent are never read into it. Contact details are
added only for an employer whose contact request the trainee accepted.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from talentpool.accounts.models import User
from talentpool.certification.models import Certificate
from talentpool.certification.public import verify_url
from talentpool.certification.service import VALID, certificate_status, valid_certificates_of
from talentpool.database import utcnow
from talentpool.directory.models import NO_LEVEL, ContactRequest, TalentProfile
from talentpool.extensions import db

NOTICE_VERSION = "2026-12"  # 2026-12: the verify page masks the name
# Always shown once listed; the consent notice names them.
CORE_FIELDS = ("pool_name", "headline", "tracks", "skills", "levels", "tier", "certificates",
               "availability", "last_active")
# Shown only if the trainee ticks them.
OPTIONAL_FIELDS = ("region", "languages", "real_name")
FIELD_LABELS = {
    "pool_name": _l("the display name you choose for the pool"),
    "headline": _l("your one-line introduction"),
    "tracks": _l("the tracks you practise"),
    "skills": _l("your skill per track (0–100) with its uncertainty"),
    "levels": _l("your certificate levels"),
    "tier": _l("your talent-pool tier"),
    "certificates": _l("your valid certificates, with links to their public verification page "
                       "(it shows your name masked, the level and the status)"),
    "availability": _l("your availability"),
    "last_active": _l("the month you were last active"),
    "region": _l("your city or region"),
    "languages": _l("the languages you work in"),
    "real_name": _l("your real name"),
}
AVAILABILITY = {"open": _l("Open to offers"), "part_time": _l("Part-time"),
                "full_time": _l("Full-time"), "not_now": _l("Not available now")}
LANGUAGES = {"zh": _l("Chinese"), "en": _l("English"), "ja": _l("Japanese"),
             "ko": _l("Korean"), "fr": _l("French"), "de": _l("German"), "es": _l("Spanish")}


def shared_fields(profile: TalentProfile) -> list[str]:
    """The fields an employer may see of ``profile`` under its current consent."""
    optional = [name for name in OPTIONAL_FIELDS if getattr(profile, f"share_{name}")]
    return [*CORE_FIELDS, *optional]


def language_list(profile: TalentProfile) -> list[str]:
    """The stored ``,zh,en,`` string as a list."""
    return [code for code in profile.languages.split(",") if code]


def contact_accepted(profile: TalentProfile, employer_id: int) -> bool:
    """Whether the trainee accepted a contact request of this employer."""
    return db.session.scalar(select(ContactRequest.id).where(
        ContactRequest.profile_id == profile.id, ContactRequest.employer_id == employer_id,
        ContactRequest.status == "accepted").limit(1)) is not None


def verified_certificates(user_id: int, now: datetime | None = None) -> list[dict]:
    """Valid certificates of a person as public records (serial, level, expiry date or None,
    verify link). The verify page they link to shows a masked name, never the full name."""
    return [_certificate_record(c) for c in valid_certificates_of(user_id, now)]


def recognised_certificates(user_id: int, now: datetime | None = None) -> list:
    """Certificates of other issuers recognised here (with issuer and how they were verified),
    shown beside the valid certificates."""
    from talentpool.recognition.service import shown_recognitions

    return shown_recognitions(user_id, now)


def _certificate_record(certificate: Certificate) -> dict:
    return {"serial": certificate.serial, "level": certificate.level,
            "valid_until": certificate.valid_until.date().isoformat()
            if certificate.valid_until else None,
            "verify_url": verify_url(certificate.serial)}


def employer_cards(profiles: list[TalentProfile]) -> list[dict]:
    """Search-result cards of many profiles, with their accounts and certificates loaded in
    two queries instead of two per profile. Never includes contact details."""
    user_ids = [profile.user_id for profile in profiles]
    users = {user.id: user for user in db.session.scalars(select(User).where(
        User.id.in_(user_ids)))} if user_ids else {}
    certificates: dict[int, list[dict]] = {user_id: [] for user_id in user_ids}
    if user_ids:
        now = utcnow()
        for certificate in db.session.scalars(select(Certificate).where(
                Certificate.user_id.in_(user_ids)).order_by(Certificate.level)):
            if certificate_status(certificate, now) == VALID:
                certificates[certificate.user_id].append(_certificate_record(certificate))
    return [employer_card(profile, user=users[profile.user_id],
                          certificates=certificates[profile.user_id]) for profile in profiles]


def employer_card(profile: TalentProfile, employer_id: int | None = None,
                  with_certificates: bool = True, user: User | None = None,
                  certificates: list[dict] | None = None) -> dict:
    """The profile as an employer may see it (and contact details once accepted)."""
    card: dict = {
        "id": profile.public_id, "pool_name": profile.pool_name, "headline": profile.headline,
        "tier": profile.tier, "best_level": None if profile.best_level == NO_LEVEL
        else profile.best_level,
        "skills": [{"track": s.track, "score": round(s.score), "uncertainty": round(s.score_se, 1),
                    "provisional": s.provisional} for s in profile.skills],
        "availability": profile.availability,
        "last_active": profile.last_active_at.strftime("%Y-%m") if profile.last_active_at
        else None,
    }
    if profile.share_region:
        card["region"] = profile.region
    if profile.share_languages:
        card["languages"] = language_list(profile)
    user = user or db.session.get(User, profile.user_id)
    if profile.share_real_name:
        card["real_name"] = user.display_name
    if with_certificates:
        card["certificates"] = (verified_certificates(profile.user_id) if certificates is None
                                else certificates)
    if employer_id is not None and contact_accepted(profile, employer_id):
        card["contact"] = {"email": user.email, **({"phone": profile.phone}
                                                    if profile.phone else {})}
    return card
