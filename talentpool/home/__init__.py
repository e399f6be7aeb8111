"""Landing page, the home page of each role, language switch, health check, error pages."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from talentpool.home import views  # noqa: E402,F401  (registers the routes)
