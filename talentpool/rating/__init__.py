"""Human-scored work: blind multi-rater scoring of written answers against their rubric, with
adjudication of disagreements (``service``) and rater severity (``severity``); and the panel
review (综合评审) of levels 2 and 1 (``panels``, ``hearings``, ``summaries``). With their pages."""

from flask import Blueprint

bp = Blueprint("rating", __name__)

from talentpool.rating import panel_views, views  # noqa: E402,F401  (routes)
