"""Certification: certificates (PDF and signed credentials), public verification, revocation."""

from flask import Blueprint

bp = Blueprint("certification", __name__)


@bp.app_template_global("certificate_status")
def _certificate_status(certificate, now=None) -> str:
    """valid, expired, revoked or superseded, for the holder panel on any page."""
    from talentpool.certification.service import certificate_status

    return certificate_status(certificate, now)


@bp.app_template_global("certificate_level")
def _certificate_level(number: int):
    """The bilingual names of a level."""
    from talentpool.certification.levels import level

    return level(number)


from talentpool.certification import achievement_views, views  # noqa: E402,F401  (routes)
