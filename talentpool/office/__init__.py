"""The assessment office (考务) of an evaluation organisation: what it does around the exams —
today the national results report of a sitting."""

from flask import Blueprint

bp = Blueprint("office", __name__)

from talentpool.office import registration_views, views  # noqa: E402,F401  (routes)
