"""The OpenAPI 3.1 document of the employer API, built from the same constants as the code."""

from __future__ import annotations

from talentpool.assessment.tracks import TRACKS
from talentpool.directory.api_tokens import SCOPES
from talentpool.directory.privacy import AVAILABILITY, LANGUAGES
from talentpool.directory.search import ACTIVE_WITHIN, SORTS
from talentpool.directory.tiers import load_rules

_ERROR = {"description": "Error", "content": {"application/json": {"schema": {
    "$ref": "#/components/schemas/Error"}}}}


def _param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


def _ok(ref: str, status: str = "200") -> dict:
    return {status: {"description": "OK", "content": {"application/json": {"schema": {
        "$ref": f"#/components/schemas/{ref}"}}}},
        "401": _ERROR, "403": _ERROR, "404": _ERROR}


def _card_schema() -> dict:
    skill = {"type": "object", "properties": {
        "track": {"type": "string"}, "score": {"type": "integer"},
        "uncertainty": {"type": "number", "description": "standard error, in points"},
        "provisional": {"type": "boolean"}}}
    certificate = {"type": "object", "properties": {
        "serial": {"type": "string"}, "level": {"type": "integer"},
        "valid_until": {"type": "string", "format": "date"},
        "verify_url": {"type": "string", "format": "uri"}}}
    return {"type": "object", "required": ["id", "pool_name", "tier", "skills"], "properties": {
        "id": {"type": "string"}, "pool_name": {"type": "string"}, "headline": {"type": "string"},
        "tier": {"type": "string", "enum": [t.id for t in load_rules()]},
        "best_level": {"type": ["integer", "null"], "minimum": 1, "maximum": 5},
        "skills": {"type": "array", "items": skill},
        "availability": {"type": "string", "enum": list(AVAILABILITY)},
        "last_active": {"type": ["string", "null"], "description": "YYYY-MM"},
        "region": {"type": "string", "description": "only if the trainee shares it"},
        "languages": {"type": "array", "items": {"type": "string"},
                      "description": "only if the trainee shares them"},
        "real_name": {"type": "string", "description": "only if the trainee shares it"},
        "certificates": {"type": "array", "items": certificate},
        "contact": {"type": "object", "description": "only after the trainee accepted your "
                    "contact request", "properties": {"email": {"type": "string"},
                                                      "phone": {"type": "string"}}}}}


def openapi_document() -> dict:
    """The document served at ``/api/v1/openapi.json``."""
    search_params = [
        _param("track", {"type": "string", "enum": [t.id for t in TRACKS]}, "skill track"),
        _param("min_level", {"type": "integer", "minimum": 1, "maximum": 5},
               "certificate level this high or higher (1 is the highest)"),
        _param("min_skill", {"type": "integer", "minimum": 0, "maximum": 100},
               "minimum skill, in the track if one is given, else in any track"),
        _param("tier", {"type": "string", "enum": [t.id for t in load_rules()]}, "tier"),
        _param("language", {"type": "string", "enum": list(LANGUAGES)}, "language"),
        _param("region", {"type": "string"}, "city or region (exact)"),
        _param("availability", {"type": "string", "enum": list(AVAILABILITY)}, "availability"),
        _param("active_days", {"type": "integer", "enum": list(ACTIVE_WITHIN)},
               "active within this many days"),
        _param("sort", {"type": "string", "enum": list(SORTS)}, "order"),
        _param("page", {"type": "integer", "minimum": 1}, "page number (20 per page)"),
    ]
    shortlist_id = {"name": "shortlist_id", "in": "path", "required": True,
                    "schema": {"type": "string"}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "talentpool employer API", "version": "1.0.0",
                 "description": "Search the talent pool and manage shortlists. Profiles carry "
                 "only the fields each trainee consented to show."},
        "servers": [{"url": "/api/v1/talent"}],
        "security": [{"bearer": []}],
        "paths": {
            "/search": {"get": {"summary": "Search listed profiles", "parameters": search_params,
                                "x-scope": "search:read", "responses": _ok("SearchPage")}},
            "/profiles/{profile_id}": {"get": {
                "summary": "Read one listed profile (the trainee sees the view)",
                "x-scope": "search:read", "parameters": [{
                    "name": "profile_id", "in": "path", "required": True,
                    "schema": {"type": "string"}}], "responses": _ok("Profile")}},
            "/shortlists": {
                "get": {"summary": "Your shortlists", "x-scope": "shortlist:read",
                        "responses": _ok("ShortlistList")},
                "post": {"summary": "Create a shortlist", "x-scope": "shortlist:write",
                         "requestBody": {"required": True, "content": {"application/json": {
                             "schema": {"type": "object", "required": ["name"], "properties": {
                                 "name": {"type": "string", "maxLength": 80}}}}}},
                         "responses": {**_ok("Shortlist", "201"), "400": _ERROR}}},
            "/shortlists/{shortlist_id}": {"get": {
                "summary": "One of your shortlists", "x-scope": "shortlist:read",
                "parameters": [shortlist_id], "responses": _ok("Shortlist")}},
            "/shortlists/{shortlist_id}/entries": {"post": {
                "summary": "Add a profile to a shortlist", "x-scope": "shortlist:write",
                "parameters": [shortlist_id], "requestBody": {"required": True, "content": {
                    "application/json": {"schema": {"type": "object", "required": ["profile_id"],
                                                    "properties": {
                                                        "profile_id": {"type": "string"},
                                                        "note": {"type": "string",
                                                                 "maxLength": 300}}}}}},
                "responses": {**_ok("Shortlist", "201"), "400": _ERROR}}},
        },
        "components": {
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "Create tokens on /talent/tokens. Scopes: " + ", ".join(
                    f"{name} ({text})" for name, text in SCOPES.items())}},
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "string"},
                                                           "status": {"type": "integer"}}},
                "Profile": _card_schema(),
                "SearchPage": {"type": "object", "properties": {
                    "page": {"type": "integer"}, "page_size": {"type": "integer"},
                    "has_next": {"type": "boolean"},
                    "results": {"type": "array",
                                "items": {"$ref": "#/components/schemas/Profile"}}}},
                "Shortlist": {"type": "object", "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"},
                    "created_at": {"type": "string", "format": "date-time"},
                    "entries": {"type": "array", "items": {"type": "object", "properties": {
                        "note": {"type": "string"},
                        "profile": {"$ref": "#/components/schemas/Profile"}}}}}},
                "ShortlistList": {"type": "object", "properties": {"shortlists": {
                    "type": "array", "items": {"$ref": "#/components/schemas/Shortlist"}}}},
            },
        },
    }
