"""Talent pool (人才库): tiers, consented profiles, employer search, shortlists, contact requests."""

from flask import Blueprint

bp = Blueprint("directory", __name__)

from talentpool.directory import views  # noqa: E402,F401  (registers the routes)
