"""did:web resolution (W3C did:web method) and the Ed25519 keys of a DID document.

``did:web:host%3Aport:path:segments`` → ``https://host:port/path/segments/did.json``, and
``https://host/.well-known/did.json`` when the DID has no path. Plain http is used only for the
hosts in ``DID_WEB_HTTP_HOSTS`` (``fetch.local_hosts``).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from talentpool.certification.canonical import from_base58btc
from talentpool.certification.did import ED25519_MULTICODEC
from talentpool.recognition.fetch import FetchFailed, local_hosts

PREFIX = "did:web:"


class NotDidWeb(ValueError):
    """The identifier is not a did:web DID this resolver can read."""


def host_of(did: str) -> str:
    """The host (with ``:port`` when the DID names one), lower case; NotDidWeb otherwise."""
    if not isinstance(did, str) or not did.startswith(PREFIX) or "#" in did or "?" in did:
        raise NotDidWeb(did)
    host = unquote(did[len(PREFIX):].split(":")[0]).lower()
    if not host or "/" in host or "@" in host:
        raise NotDidWeb(did)
    return host


def did_url(did: str) -> str:
    """The address of the DID document of ``did``."""
    host = host_of(did)
    path = [unquote(segment) for segment in did[len(PREFIX):].split(":")[1:]]
    if any(not segment or "/" in segment or segment in (".", "..") for segment in path):
        raise NotDidWeb(did)
    hosts = local_hosts()
    scheme = "http" if host in hosts or host.split(":")[0] in hosts else "https"
    return f"{scheme}://{host}/" + ("/".join(path) if path else ".well-known") + "/did.json"


def public_keys(document: object, did: str) -> dict[str, Ed25519PublicKey]:
    """Verification method id → Ed25519 key, for the Multikey methods the DID document lists
    under ``assertionMethod``. FetchFailed when the document is not the DID's."""
    if not isinstance(document, dict) or document.get("id") != did:
        raise FetchFailed(f"the DID document at {did_url(did)} is not the document of {did}")
    assertion = {item if isinstance(item, str) else item.get("id")
                 for item in document.get("assertionMethod") or [] if isinstance(item, str | dict)}
    methods = [item for item in document.get("verificationMethod") or []
               if isinstance(item, dict)]
    methods += [item for item in document.get("assertionMethod") or [] if isinstance(item, dict)]
    found: dict[str, Ed25519PublicKey] = {}
    for method in methods:
        method_id = method.get("id")
        if (method_id not in assertion or method.get("type") != "Multikey"
                or method.get("controller") != did):
            continue
        try:
            raw = from_base58btc(method.get("publicKeyMultibase"))
            if raw[:2] == ED25519_MULTICODEC and len(raw) == 34:
                found[method_id] = Ed25519PublicKey.from_public_bytes(raw[2:])
        except (ValueError, TypeError):
            continue
    return found


def key_finder(did: str, fetch: Callable[[str], object]) -> Callable[[str], Ed25519PublicKey | None]:
    """``find_key`` for ``credential.check_signature``: the DID document is fetched once,
    now (so a host that is down raises FetchFailed or FetchRefused before any signature check)."""
    keys = public_keys(fetch(did_url(did)), did)
    return keys.get
