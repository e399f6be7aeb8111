"""Fetching JSON from other sites (DID documents, credentials, status lists), treated as hostile.

HTTPS only; plain http only for the hosts in ``DID_WEB_HTTP_HOSTS`` (tests and local setups).
A host whose name resolves to a private, loopback, link-local or otherwise non-public address
is refused (SSRF) unless it is one of those hosts. Each fetch has a timeout, a size cap, no
redirects and must answer JSON; the body is parsed strictly (``talentpool.strict_json``).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from urllib.parse import urlsplit

import requests
from flask import current_app

from talentpool.strict_json import MalformedJSON, parse_strict_json

TIMEOUT_SECONDS = 5  # to connect, and between two reads
TOTAL_SECONDS = 10  # for the whole answer, so a slow drip cannot hold a worker
MAX_BYTES = 256 * 1024


class FetchRefused(Exception):
    """The address may not be fetched (scheme, host or address); says which."""


class FetchFailed(Exception):
    """The address could not be fetched now, or did not answer one JSON document."""


class TooLarge(FetchFailed):
    """The answer was larger than the cap."""


class NotJson(FetchFailed):
    """The answer was not one JSON document."""


def local_hosts() -> set[str]:
    """Hosts (``name`` or ``name:port``) allowed over plain http and on private addresses."""
    configured = current_app.config.get("DID_WEB_HTTP_HOSTS") or ()
    if isinstance(configured, str):
        configured = configured.split(",")
    return {host.strip().lower() for host in configured if host.strip()}


def _allowed_locally(host: str, port: int | None) -> bool:
    hosts = local_hosts()
    return host in hosts or (port is not None and f"{host}:{port}" in hosts)


def _public_address(text: str) -> bool:
    address = ipaddress.ip_address(text.split("%")[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def check_url(url: str) -> str:
    """``url`` when it may be fetched; FetchRefused otherwise (the reason in English)."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        raise FetchRefused("not a valid address") from None
    local = _allowed_locally(host, port)
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise FetchRefused("only https addresses can be fetched")
    if not host or parts.username or parts.password:
        raise FetchRefused("the address names no host, or carries a password")
    if local:
        return url
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port or 443,
                                                                type=socket.SOCK_STREAM)}
    except (OSError, UnicodeError):
        raise FetchFailed(f"{host} cannot be found") from None
    if not addresses or not all(_public_address(address) for address in addresses):
        raise FetchRefused(f"{host} is a private or local address")
    return url


def fetch_json(url: str, max_bytes: int = MAX_BYTES) -> object:
    """The JSON document at ``url``. FetchRefused for a forbidden address, FetchFailed when the
    site is down, slow, redirects, answers an error, too much (TooLarge), or something other
    than one JSON document (NotJson)."""
    try:
        return parse_strict_json(fetch_bytes(url, max_bytes))
    except MalformedJSON:
        raise NotJson(f"{url} did not answer one JSON document") from None


def fetch_bytes(url: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The body of a JSON answer at ``url``, exactly as sent (see ``fetch_json``)."""
    check_url(url)
    try:
        with requests.get(url, timeout=TIMEOUT_SECONDS, allow_redirects=False, stream=True,
                          headers={"Accept": "application/json, application/ld+json"}) as reply:
            if reply.status_code != 200:
                raise FetchFailed(f"{url} answered {reply.status_code}")
            kind = reply.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if not (kind == "application/json" or kind.endswith("+json")):
                raise NotJson(f"{url} did not answer JSON")
            body, started = bytearray(), time.monotonic()
            for chunk in reply.iter_content(16 * 1024):
                body += chunk
                if len(body) > max_bytes:
                    raise TooLarge(f"{url} answered more than {max_bytes} bytes")
                if time.monotonic() - started > TOTAL_SECONDS:
                    raise FetchFailed(f"{url} answered too slowly")
    except requests.RequestException as error:
        raise FetchFailed(f"{url} could not be fetched ({type(error).__name__})") from None
    return bytes(body)
