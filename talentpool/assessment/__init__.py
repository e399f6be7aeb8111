"""The item bank and exams: packs, items, calibration; ``exams/`` holds the content."""

from flask import Blueprint

bp = Blueprint("bank", __name__, url_prefix="/admin/bank")

from talentpool.assessment import drafts_views, views  # noqa: E402,F401  (registers the routes)
