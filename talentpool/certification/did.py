"""The issuer's ``did:web`` DID and its DID document (W3C DID Core 1.0, did:web method).

An issuer is ``did:web:<host>[:<path>…]:issuers:<slug>``; did:web resolves it to
``https://<host>[/<path>…]/issuers/<slug>/did.json``. One issuer per instance for now: the slug
is ``ISSUER_SLUG``. ``issuer_did`` is the one place that decides an issuer's identity, so
evaluation organisations can each get a slug of their own later. Each Ed25519 key is a
``Multikey`` verification method (``publicKeyMultibase`` = base58-btc of 0xed 0x01 + the raw
key) referenced from ``assertionMethod``.
"""

from __future__ import annotations

import base64
from datetime import datetime
from urllib.parse import quote, urlsplit

from flask import current_app
from sqlalchemy import case, exists, or_, select

from talentpool.certification.canonical import base58btc
from talentpool.certification.models import Certificate, SigningKey, StoredStatus
from talentpool.extensions import db

DEFAULT_ISSUER_SLUG = "talentpool"
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
ED25519_MULTICODEC = b"\xed\x01"


def did_web(base_url: str, slug: str) -> str:
    """The did:web DID of issuer ``slug`` on the site at ``base_url`` (port as ``%3A``)."""
    parts = urlsplit(base_url)
    segments = [quote(parts.netloc, safe="")]
    segments += [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return "did:web:" + ":".join([*segments, "issuers", quote(slug, safe="")])


def issuer_slug() -> str:
    """The slug of this instance's issuer (``ISSUER_SLUG``)."""
    return current_app.config.get("ISSUER_SLUG", DEFAULT_ISSUER_SLUG)


def issuer_did() -> str:
    """The DID that issues this instance's credentials."""
    from talentpool.certification.service import public_base_url

    return did_web(public_base_url(), issuer_slug())


def multikey(raw_public_key: bytes) -> str:
    """``publicKeyMultibase`` of a raw 32-byte Ed25519 public key (Multikey, ``z6Mk…``)."""
    return base58btc(ED25519_MULTICODEC + raw_public_key)


def _raw(row: SigningKey) -> bytes:
    return base64.urlsafe_b64decode(row.public_key + "=" * (-len(row.public_key) % 4))


def published_keys(now: datetime) -> list[SigningKey]:
    """Unretired keys, and retired keys that signed a certificate that is still valid."""
    still_valid = exists().where(
        Certificate.signing_kid == SigningKey.kid, Certificate.status == StoredStatus.VALID,
        Certificate.user_id.is_not(None),
        or_(Certificate.valid_until.is_(None), Certificate.valid_until > now))
    active_first = case((SigningKey.retired_at.is_(None), 0), else_=1)
    return list(db.session.scalars(select(SigningKey).where(
        SigningKey.public_key != "", or_(SigningKey.retired_at.is_(None), still_valid))
        .order_by(active_first, SigningKey.created_at.desc(), SigningKey.kid.desc())))


def did_document(now: datetime) -> dict:
    """The issuer's DID document: every published key as a Multikey assertion method."""
    did = issuer_did()
    methods = [{"id": f"{did}#{row.kid}", "type": "Multikey", "controller": did,
                "publicKeyMultibase": multikey(_raw(row))} for row in published_keys(now)]
    return {"@context": DID_CONTEXTS, "id": did, "verificationMethod": methods,
            "assertionMethod": [method["id"] for method in methods]}
