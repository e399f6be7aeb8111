"""The assessment office (考务) of an evaluation organisation: registration and eligibility
review, plans and sittings, seats and admission tickets, check-in and the proctor log,
publication and appeals, reporting, archives and retention."""

from flask import Blueprint

bp = Blueprint("office", __name__)

from talentpool.office import (  # noqa: E402,F401  (routes)
    appeal_views, registration_views, sitting_views, views,
)
