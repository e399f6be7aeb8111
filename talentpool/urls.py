"""This site's own addresses: its public base URL, and where a ``next`` parameter may send the
browser (only to a path on this site)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request


def public_base_url() -> str:
    """Absolute site address used in QR codes, credentials and DIDs (PUBLIC_BASE_URL first)."""
    configured = current_app.config.get("PUBLIC_BASE_URL", "")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return "http://localhost:5000"


def local_path(target: str | None) -> str | None:
    """``target`` when it is a plain path on this site, else None.

    Refused: anything with a scheme or host, scheme-relative ``//host``, backslashes (browsers
    read ``/\\host`` as ``//host``), and any whitespace or control character (browsers drop a
    tab or newline, so ``/\\t/host`` becomes ``//host``; CR or LF would split the header)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F
                             for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def back_path(referrer: str | None, host: str) -> str | None:
    """The path of ``referrer`` when it is a page of this site (``host``), else None."""
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != host:
        return None
    return local_path(parts.path + (f"?{parts.query}" if parts.query else ""))
