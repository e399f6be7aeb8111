"""Practice: trainees answer items of a track and get instant, explained feedback."""

from flask import Blueprint

bp = Blueprint("practice", __name__, url_prefix="/practice")

from talentpool.practice import views  # noqa: E402,F401  (registers the routes)
