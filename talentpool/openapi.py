"""The OpenAPI 3.1 document of every public JSON API, generated from typed models.

Each API view declares its request and response models with ``api.validate(...)`` (spectree):
the same pydantic models check the input and make the document served at
``/api/v1/openapi.json``. A request that does not fit its model gets a 400 JSON error naming the
field; nothing is coerced to text. Operations are grouped by the tags below; a new public API
(DID documents and status lists are next) joins by decorating its view with ``api.validate``
and one of these tags (``discovery`` for documents that resolve keys and statuses).
"""

from __future__ import annotations

from typing import Annotated

from flask import Flask, abort, current_app, json, jsonify, request
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.json_schema import SkipJsonSchema
from spectree import SecurityScheme, SecuritySchemeData, SpecTree, Tag

SPEC_PATH = "/api/v1/openapi.json"
BEARER = "bearer"
# Text fields refuse NUL, which no database column can store; ``Content`` also needs one
# character that is not white space, since surrounding spaces are trimmed.
_NO_NUL = r"^[^\x00]*$"
_SOME_CONTENT = r"^[^\x00]*[^\s\x00][^\x00]*$"

TALENT = Tag(name="talent", description="Employer API: search the talent pool and keep "
             "shortlists. Needs a bearer token of a verified organisation.")
CERTIFICATES = Tag(name="certificates", description="Public certificate status, signed "
                   "credentials and their verification. No authentication; rate-limited per "
                   "address.")
DISCOVERY = Tag(name="discovery", description="Documents that resolve what credentials refer "
                "to: the signing keys today; DID documents and status lists join here.")


def text(max_length: int, content: bool = False, **field) -> object:
    """A string type without NUL of at most ``max_length`` characters (``content``: not blank)."""
    constraints = StringConstraints(max_length=max_length, min_length=1 if content else 0,
                                    pattern=_SOME_CONTENT if content else _NO_NUL)
    return Annotated[str, constraints, Field(**field)]


def schema_extra(*examples: dict):
    """A model's ``json_schema_extra``: these examples, and no ``default: null`` for fields
    that are left out rather than null."""

    def extra(schema: dict) -> None:
        for field in schema.get("properties", {}).values():
            if "default" in field and field["default"] is None:
                del field["default"]
        if examples:
            schema["examples"] = list(examples)

    return extra


class ApiError(BaseModel):
    """The body of every error answer of the JSON APIs."""

    model_config = ConfigDict(json_schema_extra=schema_extra(
        {"error": "Check min_level: Input should be less than or equal to 5", "status": 400,
         "field": "min_level"}))

    error: str = Field(description="What went wrong, in the interface language.")
    status: int = Field(description="The HTTP status code again.")
    field: str | SkipJsonSchema[None] = Field(
        None, description="The request field at fault (400 only).")


def _refuse_invalid(_request, _response, error, _instance, _adapter) -> None:
    """Turn a request validation failure into the JSON error shape, naming the field."""
    if error is None:
        return
    problem = error.errors(include_url=False)[0]
    field = str(problem["loc"][0]) if problem["loc"] else "body"  # the models are flat
    message = _("Check %(field)s: %(problem)s", field=field, problem=problem["msg"])
    response = jsonify(error=message, status=400, field=field)
    response.status_code = 400
    abort(response)


def _hide_broken_answer(_request, response, error, _instance, _adapter) -> None:
    """An answer that breaks its own model is a 500 with the usual body; details go to the log."""
    if error is None:
        return
    current_app.logger.error("API answer on %s breaks its model: %s", request.path, error)
    response.set_data(json.dumps({"error": _("Something went wrong on our side. It has been "
                                             "logged; please try again."), "status": 500}))


api = SpecTree(
    "flask", mode="strict", title="talentpool API", version="1.2.0",
    description="Every public JSON API of talentpool: the employer talent API (bearer tokens "
    "with scopes), certificate status, signed credentials and their verification, and key "
    "discovery. Timestamps are RFC 3339 in UTC. Errors are JSON objects with `error` and "
    "`status` (and `field` when a request field is at fault).",
    page_templates={}, before=_refuse_invalid, after=_hide_broken_answer,
    validation_error_status=400,
    validation_error_model=ApiError, naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
    security_schemes=[SecurityScheme(name=BEARER, data=SecuritySchemeData(
        type="http", scheme="bearer",
        description="An API token of a verified employer organisation, created on "
        "/talent/tokens. The scopes an operation needs are listed in its security "
        "requirement: search:read, shortlist:read, shortlist:write."))])


def error_responses(*codes: int) -> dict:
    """``spectree.Response`` arguments documenting these error codes with ``ApiError``."""
    return {f"HTTP_{code}": ApiError for code in codes}


def register_openapi(app: Flask) -> None:
    """Serve the generated document at ``/api/v1/openapi.json``."""

    def openapi():
        """The OpenAPI 3.1 description of the public JSON APIs."""
        return jsonify(api.spec)

    app.add_url_rule(SPEC_PATH, "openapi", openapi, methods=["GET"])
