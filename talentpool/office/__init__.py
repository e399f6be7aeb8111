"""The assessment office (考务) of an evaluation organisation: what it does around the exams —
plans and sittings, seats and admission tickets, check-in and the proctor log, and the
national results report of a sitting."""

from flask import Blueprint

bp = Blueprint("office", __name__)

from talentpool.office import sitting_views, views  # noqa: E402,F401  (routes)
