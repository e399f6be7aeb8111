"""The assessment office (考务) of an evaluation organisation: what it does around the exams —
today the national results report of a sitting."""

from flask import Blueprint

bp = Blueprint("office", __name__)

from talentpool.office import views  # noqa: E402,F401  (routes)
from talentpool.office import appeal_views  # noqa: E402,F401  (routes)
