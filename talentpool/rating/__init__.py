"""Human-scored answers: blind multi-rater scoring of written work against its rubric, with
adjudication of disagreements (``service``), and the raters' queue and scoring pages."""

from flask import Blueprint

bp = Blueprint("rating", __name__)

from talentpool.rating import views  # noqa: E402,F401  (routes)
