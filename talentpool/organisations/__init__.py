"""Evaluation organisations (评价机构): the bodies that certify and issue certificates in their own
name, each with its registration (备案) scope, seal, signing keys and did:web DID."""

from flask import Blueprint

bp = Blueprint("organisations", __name__)


@bp.app_template_global("holds_office_roles")
def _holds_office_roles(user) -> bool:
    """Whether the signed-in person holds a role in some organisation's office (for the menu)."""
    from sqlalchemy import exists, select

    from talentpool.extensions import db
    from talentpool.organisations.models import OrganisationMember

    return bool(getattr(user, "is_authenticated", False) and db.session.scalar(select(exists().where(
        OrganisationMember.user_id == user.id))))

from talentpool.organisations import complaint_views, office_views, views  # noqa: E402,F401
