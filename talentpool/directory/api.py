"""Employer JSON API under ``/api/v1/talent``: bearer tokens with scopes.

Only ``Authorization: Bearer <token>`` authenticates here; cookies are never read, so these
views are exempt from CSRF and a request without a valid token is a 401 whatever its method.
Input is checked against the models in ``api_models`` (a 400 names the field) and answers
carry the same consented fields as the pages (``employer_card``).
"""

from __future__ import annotations

from functools import wraps

from flask import abort, g, jsonify, request
from flask_babel import gettext as _
from spectree import Response

from talentpool.certification.credential import timestamp
from talentpool.directory import api_tokens, bp, employers
from talentpool.directory.api_models import (
    NewEntry, NewShortlist, Profile, SearchArgs, SearchPage, Shortlist, ShortlistList,
)
from talentpool.directory.privacy import employer_card, employer_cards
from talentpool.directory.profiles import DirectoryError
from talentpool.directory.search import PAGE_SIZE, SearchQuery, search
from talentpool.extensions import csrf
from talentpool.openapi import BEARER, TALENT, api, error_responses

PREFIX = "/api/v1/talent"


def _error(status: int, message: str, **extra):
    return jsonify(error=message, status=status, **extra), status


def token_required(scope: str):
    """Authenticate the bearer token, require ``scope`` and a verified organisation."""
    def decorator(view):
        @csrf.exempt
        @wraps(view)
        def wrapped(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            if not header.startswith("Bearer "):
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


def _json_object_required(view):
    """Refuse a body that is not one JSON object before its fields are checked."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not isinstance(request.get_json(silent=True), dict):
            return _error(400, _("Send one JSON object with Content-Type: application/json."),
                          field="body")
        return view(*args, **kwargs)
    return wrapped


def operation(scope: str, operation_id: str, answer: type, status: int = 200,
              query: type | None = None, body: type | None = None, errors: tuple = ()):
    """Token check, then input validation and documentation of one talent API operation."""
    def decorator(view):
        validated = api.validate(
            query=query, json=body, tags=[TALENT], security={BEARER: [scope]},
            operation_id=operation_id, resp=Response(**{f"HTTP_{status}": answer},
                                                     **error_responses(401, 403, *errors)))(view)
        return token_required(scope)(_json_object_required(validated) if body else validated)
    return decorator


@bp.get(f"{PREFIX}/search")
@operation("search:read", "searchTalent", SearchPage, query=SearchArgs)
def api_search():
    """Search listed profiles (same filters as the search page).

    Unknown filter values are a 400 naming the parameter. Results come 20 a page; `count`
    says how many match in all: exactly up to 1,000, else "more than" (see `count_exact`).
    """
    query = SearchQuery.from_args(request.context.query.as_filters())
    page = search(query)
    return jsonify(page=page.page, page_size=PAGE_SIZE, has_next=page.has_next,
                   count=page.count.value, count_exact=page.count.exact,
                   results=employer_cards(page.profiles))


@bp.get(f"{PREFIX}/profiles/<profile_id>")
@operation("search:read", "readProfile", Profile, errors=(404,))
def api_profile(profile_id: str):
    """One listed profile; the view is logged for the trainee.

    Unknown and unlisted profiles are the same 404.
    """
    profile = employers.listed_profile(profile_id)
    if profile is None:
        abort(404)
    employers.record_view(profile, g.api_user, channel="api")
    return jsonify(employer_card(profile, g.api_user.id))


def _shortlist_json(shortlist, with_entries: bool) -> dict:
    data = {"id": shortlist.public_id, "name": shortlist.name,
            "created_at": timestamp(shortlist.created_at)}
    if with_entries:
        data["entries"] = [{"note": entry.note, "profile": employer_card(
            entry.profile, g.api_user.id, with_certificates=False)}
            for entry in employers.listed_entries(shortlist)]
    return data


@bp.get(f"{PREFIX}/shortlists")
@operation("shortlist:read", "listShortlists", ShortlistList)
def api_shortlists():
    """The token owner's shortlists."""
    return jsonify(shortlists=[_shortlist_json(s, False)
                               for s in employers.shortlists_of(g.api_user.id)])


@bp.post(f"{PREFIX}/shortlists")
@operation("shortlist:write", "createShortlist", Shortlist, status=201, body=NewShortlist)
def api_create_shortlist():
    """Create a shortlist."""
    shortlist = employers.create_shortlist(g.api_user, request.context.json.name)
    return jsonify(_shortlist_json(shortlist, True)), 201


@bp.get(f"{PREFIX}/shortlists/<shortlist_id>")
@operation("shortlist:read", "readShortlist", Shortlist, errors=(404,))
def api_shortlist(shortlist_id: str):
    """One of the token owner's shortlists with its people."""
    shortlist = employers.find_shortlist(g.api_user.id, shortlist_id)
    if shortlist is None:
        abort(404)
    return jsonify(_shortlist_json(shortlist, True))


@bp.post(f"{PREFIX}/shortlists/<shortlist_id>/entries")
@operation("shortlist:write", "addShortlistEntry", Shortlist, status=201, body=NewEntry,
           errors=(404, 409))
def api_add_entry(shortlist_id: str):
    """Add a listed profile to one of the token owner's shortlists.

    404 when the shortlist is not yours or the profile is not listed; 409 when the person is
    already on it.
    """
    entry = request.context.json
    if employers.find_shortlist(g.api_user.id, shortlist_id) is None:
        abort(404)
    if employers.listed_profile(entry.profile_id) is None:
        return _error(404, _("No listed profile has this id."))
    try:
        employers.add_to_shortlist(g.api_user, shortlist_id, entry.profile_id, entry.note)
    except DirectoryError as error:
        return _error(409, str(error))
    return jsonify(_shortlist_json(employers.find_shortlist(g.api_user.id, shortlist_id),
                                   True)), 201
