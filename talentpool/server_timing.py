"""A ``Server-Timing`` header with the time the application spent on each request.

Off by default; ``SERVER_TIMING=1`` turns it on (the load benchmark does, to report server time
next to the client's round trip; browsers show the header in their developer tools). The time
runs from the moment the WSGI server hands the request over until the response's status and
headers are ready — routing, hooks, the view, templates and the session cookie included — but
not the sending of the body. It tells a client nothing it could not time itself, less
precisely; it is off in production so that no page advertises its costs.
"""

from __future__ import annotations

import time


class ServerTiming:
    """WSGI middleware adding ``Server-Timing: app;dur=<ms>`` to every response."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started = time.perf_counter()

        def timed_start_response(status, headers, exc_info=None):
            took = (time.perf_counter() - started) * 1000
            headers.append(("Server-Timing", f"app;dur={took:.2f}"))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, timed_start_response)
