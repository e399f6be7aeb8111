"""Styled error pages, and JSON errors for API and JSON requests."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from talentpool.extensions import db


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json or (
        request.accept_mimetypes.best == "application/json")


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        403: _("You do not have access to this page."),
        404: _("We could not find this page."),
        405: _("This address does not accept that kind of request."),
        410: _("This link is no longer valid."),
        413: _("What you sent is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. It has been logged; please try again."),
        503: _("The service is busy. Please try again in a few seconds."),
    }


def render_error(code: int, message: str | None = None):
    """An error page (or JSON body) with the given status code."""
    message = message or _messages().get(code, _("Something went wrong."))
    if _wants_json():
        return jsonify(error=message, status=code), code
    return render_template("errors/error.html", code=code, message=message), code


def register_error_handlers(app: Flask) -> None:
    """Attach the handlers to ``app``."""

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(400, _("This form has expired or did not come from this site. "
                                   "Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        body, code = render_error(error.code or 500)
        response = app.make_response((body, code))
        # Headers the status needs keep their place: Allow on 405, WWW-Authenticate on 401 …
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(500)
