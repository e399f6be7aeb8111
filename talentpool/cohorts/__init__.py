"""Training institutions: institutions, staff, cohorts, enrolment, plans, dashboards, reports."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__)

from talentpool.cohorts import views  # noqa: E402,F401  (registers the routes)
