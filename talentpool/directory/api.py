"""Employer JSON API under ``/api/v1/talent``: bearer tokens with scopes.

Only ``Authorization: Bearer <token>`` authenticates here; a request without one is 401,
and a state-changing request without one is first checked for CSRF like any form, so the
CSRF exemption applies to bearer-token requests only. Answers carry the same consented
fields as the pages (``employer_card``).
"""

from __future__ import annotations

from functools import wraps

from flask import abort, g, jsonify, request
from flask_babel import gettext as _

from talentpool.directory import api_tokens, bp, employers
from talentpool.directory.openapi import openapi_document
from talentpool.directory.privacy import employer_card, employer_cards
from talentpool.directory.profiles import DirectoryError
from talentpool.directory.search import PAGE_SIZE, SearchQuery, search
from talentpool.extensions import csrf

PREFIX = "/api/v1/talent"


def _error(status: int, message: str):
    return jsonify(error=message, status=status), status


def token_required(scope: str):
    """Authenticate the bearer token, require ``scope`` and a verified organisation."""
    def decorator(view):
        @csrf.exempt
        @wraps(view)
        def wrapped(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            if not header.startswith("Bearer "):
                if request.method not in ("GET", "HEAD", "OPTIONS"):
                    csrf.protect()
                return _error(401, _("Send an API token as 'Authorization: Bearer <token>'."))
            found = api_tokens.token_owner(header[len("Bearer "):].strip())
            if found is None:
                return _error(401, _("This API token is not valid or was revoked."))
            g.api_user, token = found
            if scope not in token.scopes:
                return _error(403, _("This API token lacks the permission %(scope)s.",
                                     scope=scope))
            if not employers.is_verified_employer(g.api_user.id):
                return _error(403, _("Your organisation is not verified yet."))
            return view(*args, **kwargs)
        return wrapped
    return decorator


@bp.get("/api/v1/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of the employer API."""
    return jsonify(openapi_document())


@bp.get(f"{PREFIX}/search")
@token_required("search:read")
def api_search():
    """Search listed profiles (same filters as the search page)."""
    query = SearchQuery.from_args(request.args)
    page = search(query)
    return jsonify(page=page.page, page_size=PAGE_SIZE, has_next=page.has_next,
                   results=employer_cards(page.profiles))


@bp.get(f"{PREFIX}/profiles/<profile_id>")
@token_required("search:read")
def api_profile(profile_id: str):
    """One listed profile; the view is logged for the trainee."""
    profile = employers.listed_profile(profile_id)
    if profile is None:
        abort(404)
    employers.record_view(profile, g.api_user, channel="api")
    return jsonify(employer_card(profile, g.api_user.id))


def _shortlist_json(shortlist, with_entries: bool) -> dict:
    data = {"id": shortlist.public_id, "name": shortlist.name,
            "created_at": shortlist.created_at.isoformat(timespec="seconds")}
    if with_entries:
        data["entries"] = [{"note": entry.note, "profile": employer_card(
            entry.profile, g.api_user.id, with_certificates=False)}
            for entry in employers.listed_entries(shortlist)]
    return data


@bp.get(f"{PREFIX}/shortlists")
@token_required("shortlist:read")
def api_shortlists():
    """The token owner's shortlists."""
    return jsonify(shortlists=[_shortlist_json(s, False)
                               for s in employers.shortlists_of(g.api_user.id)])


@bp.post(f"{PREFIX}/shortlists")
@token_required("shortlist:write")
def api_create_shortlist():
    """Create a shortlist: ``{"name": "..."}``."""
    body = request.get_json(silent=True)
    try:
        shortlist = employers.create_shortlist(g.api_user, str((body or {}).get("name", "")))
    except DirectoryError as error:
        return _error(400, str(error))
    return jsonify(_shortlist_json(shortlist, True)), 201


@bp.get(f"{PREFIX}/shortlists/<shortlist_id>")
@token_required("shortlist:read")
def api_shortlist(shortlist_id: str):
    """One of the token owner's shortlists with its people."""
    shortlist = employers.find_shortlist(g.api_user.id, shortlist_id)
    if shortlist is None:
        abort(404)
    return jsonify(_shortlist_json(shortlist, True))


@bp.post(f"{PREFIX}/shortlists/<shortlist_id>/entries")
@token_required("shortlist:write")
def api_add_entry(shortlist_id: str):
    """Add a listed profile: ``{"profile_id": "...", "note": "..."}``."""
    body = request.get_json(silent=True) or {}
    if employers.find_shortlist(g.api_user.id, shortlist_id) is None:
        abort(404)
    try:
        employers.add_to_shortlist(g.api_user, shortlist_id, str(body.get("profile_id", "")),
                                   str(body.get("note", "")))
    except DirectoryError as error:
        return _error(400, str(error))
    return jsonify(_shortlist_json(employers.find_shortlist(g.api_user.id, shortlist_id),
                                   True)), 201
