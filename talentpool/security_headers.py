"""Security headers on every response: a strict Content-Security-Policy and its companions.

The policy allows no inline script or style: pages load their JavaScript and CSS from
``static/``, pass data to scripts in ``data-*`` attributes or ``<script type="application/json">``
blocks, and draw charts as inline SVG styled by presentation attributes (``talentpool.charts``).
A header a view set itself is left alone, so a page can tighten (or a download replace) any of
them.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # data: images cannot run script; kept for small inline images
    "media-src 'self'",  # transcription audio comes from the pack's assets
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# No labeling UI records or senses anything: speech transcription only plays audio.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "hid",
    "magnetometer", "microphone", "midi", "payment", "serial", "usb"))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}

# Sent only when the site is served over TLS (the same switch as the Secure cookie flag):
# a browser that saw it would refuse plain HTTP for a year.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def add_security_headers(response: Response) -> Response:
    """Set each security header the view did not set itself."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if getattr(view, "no_referrer", False):  # also covers the error page of such an address
        response.headers.setdefault("Referrer-Policy", "no-referrer")
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response


def register_security_headers(app: Flask) -> None:
    """Add the headers to every response of ``app``: pages, APIs, static files, errors."""
    app.after_request(add_security_headers)


def no_referrer(view: Callable) -> Callable:
    """Mark a view whose address carries a secret (reset, invitation links): send no Referer."""
    view.no_referrer = True
    return view
