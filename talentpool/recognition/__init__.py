"""Recognition across issuers (职业资格与职业技能等级衔接互认): credentials of other issuers imported
and verified, national certificates entered by hand and reviewed, the trust list."""

from flask import Blueprint

bp = Blueprint("recognition", __name__, url_prefix="/recognition")

from talentpool.recognition import admin_views, views  # noqa: E402,F401  (routes)
