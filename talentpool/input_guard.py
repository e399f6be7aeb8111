"""One gate for text the database cannot store: NUL bytes and lone surrogates.

PostgreSQL refuses NUL (0x00) in text, and a lone UTF-16 surrogate (U+D800–U+DFFF, which a JSON
``"\\ud800"`` escape produces) cannot be encoded as UTF-8: stored on SQLite it breaks every later
export of the row. Every request's query string, form fields, file names and JSON body are
checked before any view runs, and a request carrying such a character is refused with a 400 that
names the field, the same way on every database.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator

from flask import Flask, jsonify, request
from flask_babel import gettext as _

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MAX_DEPTH = 64


def clean_filename(filename: str, fallback: str) -> str:
    """An uploaded file's name without its folders or control characters, at most 200
    characters (the start and the end kept), or ``fallback`` when nothing is left."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return (name[:80] + name[-20:] if len(name) > 200 else name) or fallback


def unstorable(text: str) -> bool:
    """True when ``text`` holds a character no database column can keep."""
    return UNSTORABLE.search(text) is not None


def storable(text: str) -> str:
    """``text`` with unstorable characters replaced by U+FFFD (for reading old rows)."""
    return UNSTORABLE.sub("\ufffd", text)


def scrubbed(value):
    """``value`` (JSON-like) with every string made storable, keys included."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {scrubbed(key): scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrubbed(item) for item in value]
    return value


def _json_strings(value, path: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    """Every (field path, string) in a decoded JSON value, keys included."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, str):
        yield path or "body", value
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, str(key)
            yield from _json_strings(item, child, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{path}[{index}]", depth + 1)


def _request_strings() -> Iterator[tuple[str, str]]:
    for name, value in request.args.items(multi=True):
        yield name, name
        yield name, value
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        for name, value in request.form.items(multi=True):
            yield name, name
            yield name, value
        for name, upload in request.files.items(multi=True):
            yield name, upload.filename or ""
        body = _json_body()
        if body is not None:
            yield from _json_strings(body, "")


def _json_body():
    """The decoded JSON body: of a JSON request, or of a bare body that looks like JSON (some
    endpoints read the raw body whatever its content type). None when there is none."""
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return None
    if not request.is_json and not request.get_data(cache=True)[:64].lstrip().startswith(
            (b"{", b"[", b'"')):
        return None
    try:
        return json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):
        return None  # the view reports what is wrong with the body


def offending_field() -> str | None:
    """The first field of the current request that carries an unstorable character."""
    for field, text in _request_strings():
        if unstorable(text):
            return storable(field)
    return None


def stores_no_text(view: Callable) -> Callable:
    """Mark a view that only reads its input and stores none of it (the credential verifier:
    a credential with such a character simply fails verification, like any altered one)."""
    view.stores_no_text = True
    return view


def register_input_guard(app: Flask) -> None:
    """Refuse requests with unstorable characters before any view sees them."""
    from talentpool.errors import render_error

    @app.before_request
    def refuse_unstorable_text():
        view = app.view_functions.get(request.endpoint) if request.endpoint else None
        if getattr(view, "stores_no_text", False):
            return None
        field = offending_field()
        if field is not None:
            message = _("The field “%(field)s” contains a character that cannot be stored "
                        "(a NUL byte or an unpaired surrogate). Remove it and send again.",
                        field=field)
            if _json_body() is not None:  # a JSON body gets a JSON answer, whatever its type
                return jsonify(error=message, status=400, field=field), 400
            return render_error(400, message)
        return None
