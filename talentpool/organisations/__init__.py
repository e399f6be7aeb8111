"""Evaluation organisations (评价机构): the bodies that certify and issue certificates in their own
name, each with its registration (备案) scope, seal, signing keys and did:web DID."""

from flask import Blueprint

bp = Blueprint("organisations", __name__)

from talentpool.organisations import views  # noqa: E402,F401  (routes)
