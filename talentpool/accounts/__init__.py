"""Accounts: sign-up, login sessions, password reset, invitations."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/accounts")

from talentpool.accounts import views  # noqa: E402,F401  (registers the routes)
