"""Each evaluation organisation's ``did:web`` DID and DID document (W3C DID Core 1.0, did:web).

An organisation is ``did:web:<host>[:<path>…]:issuers:<slug>``; did:web resolves it to
``https://<host>[/<path>…]/issuers/<slug>/did.json``. ``issuer_did`` is the one place that
decides an issuer's identity. Each Ed25519 key of the organisation is a ``Multikey``
verification method (``publicKeyMultibase`` = base58-btc of 0xed 0x01 + the raw key) referenced
from ``assertionMethod``.
"""

from __future__ import annotations

import base64
from datetime import datetime

from sqlalchemy import case, exists, or_, select

from talentpool.certification.canonical import base58btc
from talentpool.certification.models import Certificate, SigningKey, StoredStatus
from talentpool.extensions import db
from talentpool.organisations.models import Organisation
from talentpool.organisations.service import did_web, organisation_did  # noqa: F401

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
ED25519_MULTICODEC = b"\xed\x01"


def issuer_did(organisation: Organisation) -> str:
    """The DID that issues the organisation's credentials."""
    return organisation_did(organisation)


def multikey(raw_public_key: bytes) -> str:
    """``publicKeyMultibase`` of a raw 32-byte Ed25519 public key (Multikey, ``z6Mk…``)."""
    return base58btc(ED25519_MULTICODEC + raw_public_key)


def _raw(row: SigningKey) -> bytes:
    return base64.urlsafe_b64decode(row.public_key + "=" * (-len(row.public_key) % 4))


def published_keys(organisation_id: int, now: datetime) -> list[SigningKey]:
    """The organisation's unretired keys, and its retired keys that signed a certificate that
    is still valid (or only suspended, since it may be reinstated)."""
    still_valid = exists().where(
        Certificate.signing_kid == SigningKey.kid, Certificate.status == StoredStatus.VALID,
        Certificate.user_id.is_not(None),
        or_(Certificate.valid_until.is_(None), Certificate.valid_until > now))
    active_first = case((SigningKey.retired_at.is_(None), 0), else_=1)
    return list(db.session.scalars(select(SigningKey).where(
        SigningKey.organisation_id == organisation_id, SigningKey.public_key != "",
        or_(SigningKey.retired_at.is_(None), still_valid))
        .order_by(active_first, SigningKey.created_at.desc(), SigningKey.kid.desc())))


def did_document(organisation: Organisation, now: datetime) -> dict:
    """The organisation's DID document: every published key as a Multikey assertion method."""
    did = issuer_did(organisation)
    methods = [{"id": f"{did}#{row.kid}", "type": "Multikey", "controller": did,
                "publicKeyMultibase": multikey(_raw(row))}
               for row in published_keys(organisation.id, now)]
    return {"@context": DID_CONTEXTS, "id": did, "verificationMethod": methods,
            "assertionMethod": [method["id"] for method in methods]}
