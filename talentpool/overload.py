"""Overload answered fast: 503 with ``Retry-After`` instead of a slow failure or a lost answer.

Two signs that the service is past its capacity, each answered with 503 and ``Retry-After:
OVERLOAD_RETRY_AFTER`` seconds:

* **Queue time.** The reverse proxy stamps each request with the time it arrived (nginx:
  ``proxy_set_header X-Request-Start "t=${msec}";``). A request that waited more than
  ``MAX_QUEUE_SECONDS`` for a worker is refused before any view runs: its client has waited
  long already, and doing its work would only lengthen the queue for everyone behind it.
* **Database wait.** A transaction that waited ``DATABASE_WAIT_SECONDS`` for SQLite's write
  lock, or for a connection from PostgreSQL's pool, gives up. The transaction is rolled back,
  so nothing of the request is stored.

Either way retrying is safe: an exam answer carries the page's sequence number, so the retried
answer is stored once, or refused as already given (409) if an earlier try got through. The exam
page's script waits ``Retry-After`` and sends the same answer again (static/js/exam.js).
"""

from __future__ import annotations

import re
import time

from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from talentpool.errors import render_error
from talentpool.extensions import db

_REQUEST_START = re.compile(r"(?:t=)?(\d+(?:\.\d+)?)")
# sqlite3's messages when the busy timeout ran out waiting for a lock.
_SQLITE_LOCKED = ("database is locked", "database table is locked")


def queued_seconds(header: str | None, now: float) -> float | None:
    """How long ago the proxy received the request, from ``X-Request-Start`` (seconds with a
    fraction as nginx's ``$msec`` gives them, or milliseconds or microseconds since the epoch);
    None when the header is absent or unreadable."""
    match = _REQUEST_START.fullmatch((header or "").strip())
    if not match:
        return None
    stamp = float(match.group(1))
    if stamp > 1e14:
        stamp /= 1e6
    elif stamp > 1e11:
        stamp /= 1e3
    return max(0.0, now - stamp)


def overloaded(message: str | None = None):
    """The 503 reply (page or JSON) with ``Retry-After``. It is rendered for an anonymous
    visitor, in the browser's chosen language or the default: finding the account (its name,
    roles and language) would need the database this reply is about."""
    g._login_user = current_app.login_manager.anonymous_user()
    body, code = render_error(503, message or _(
        "The service is busy. Nothing was saved; please try again in a few seconds."))
    response = current_app.make_response((body, code))
    response.headers["Retry-After"] = str(current_app.config["OVERLOAD_RETRY_AFTER"])
    return response


def register_overload_handlers(app: Flask) -> None:
    """Refuse requests that queued too long; turn database waits that ran out into 503s."""

    @app.before_request
    def refuse_if_queued_too_long():
        limit = app.config["MAX_QUEUE_SECONDS"]
        waited = queued_seconds(request.headers.get("X-Request-Start"), time.time())
        if limit and waited is not None and waited > limit:
            app.logger.warning("Refused %s %s after %.1f s in the queue", request.method,
                               request.path, waited)
            return overloaded()
        return None

    @app.errorhandler(PoolTimeout)
    def pool_exhausted(_error):
        db.session.rollback()
        app.logger.warning("No database connection within the pool timeout on %s", request.path)
        return overloaded()

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError):
        db.session.rollback()
        if any(text in str(error.orig) for text in _SQLITE_LOCKED):
            app.logger.warning("Database lock wait ran out on %s", request.path)
            return overloaded()
        app.logger.exception("Database error on %s", request.path)
        return render_error(500)
