"""Ed25519 signing keys of each evaluation organisation: private halves as 0600 PEM files,
public halves in the database.

The private key of ``kid`` lives in ``<instance>/keys/<kid>.pem``; it is never served, never
stored in the database and never in the repository. An organisation's newest unretired key
signs; its retired keys stay in its DID document while credentials they signed are valid.
Deployments with several servers share the instance ``keys`` folder (or run ``talentpool
certificates rotate-key`` once and copy the new file), since each signer needs the file.
"""

from __future__ import annotations

import base64
import os
import secrets
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from sqlalchemy import case, select, update

from talentpool.certification.models import SigningKey
from talentpool.extensions import db

_PRIVATE_CACHE: dict[str, Ed25519PrivateKey] = {}


class SigningKeyError(RuntimeError):
    """The active key's private file is missing on this server."""


def b64url(data: bytes) -> str:
    """Unpadded base64url, as JWK uses."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def keys_folder() -> Path:
    """``<instance>/keys``, created with mode 0700 on first use."""
    folder = Path(current_app.instance_path) / "keys"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _key_file(kid: str) -> Path:
    return keys_folder() / f"{kid}.pem"


def add_signing_key(now: datetime, organisation_id: int) -> SigningKey:
    """Generate a key pair of the organisation, write the private PEM (0600) and add the public
    row (no commit)."""
    kid = f"{now:%Y%m%d}-{secrets.token_hex(4)}"
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    fd = os.open(_key_file(kid), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    raw = private.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
    row = SigningKey(kid=kid, public_key=b64url(raw), created_at=now,
                     organisation_id=organisation_id)
    db.session.add(row)
    db.session.flush()
    return row


def retire_active_keys(now: datetime, organisation_id: int) -> None:
    """Stop signing with the organisation's current keys; they keep verifying (no commit)."""
    db.session.execute(update(SigningKey).where(SigningKey.retired_at.is_(None),
                                                SigningKey.organisation_id == organisation_id)
                       .values(retired_at=now))


def active_kid(organisation_id: int) -> str | None:
    """The key id the organisation signs with now, or None before its first signature."""
    return db.session.scalar(select(SigningKey.kid).where(
        SigningKey.retired_at.is_(None), SigningKey.organisation_id == organisation_id)
        .order_by(SigningKey.created_at.desc(), SigningKey.kid.desc()).limit(1))


def signing_key(now: datetime, organisation_id: int) -> tuple[str, Ed25519PrivateKey]:
    """The organisation's newest unretired key and its private half, generated on first need
    (no commit)."""
    kid = active_kid(organisation_id)
    if kid is None:
        kid = add_signing_key(now, organisation_id).kid
    return kid, _private_key(kid)


def _private_key(kid: str) -> Ed25519PrivateKey:
    path = _key_file(kid)
    cached = _PRIVATE_CACHE.get(str(path))
    if cached is not None:
        return cached
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise SigningKeyError(f"the private key of {kid} is not in {path.parent} on this "
                              "server; copy it there or run 'talentpool certificates "
                              "rotate-key'") from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} does not hold an Ed25519 key")
    _PRIVATE_CACHE[str(path)] = loaded
    return loaded


def public_key(kid: str, organisation_id: int) -> tuple[Ed25519PublicKey, SigningKey] | None:
    """The organisation's public key published under ``kid`` and its row, or None."""
    row = db.session.get(SigningKey, kid) if isinstance(kid, str) and len(kid) <= 64 else None
    if row is None or not row.public_key or row.organisation_id != organisation_id:
        return None
    raw = base64.urlsafe_b64decode(row.public_key + "=" * (-len(row.public_key) % 4))
    return Ed25519PublicKey.from_public_bytes(raw), row


def jwks() -> dict:
    """Every organisation's public keys, signing ones first, as a JWK Set (RFC 7517; OKP keys,
    RFC 8037). The DID documents are what credentials point to; this set is for JOSE tools."""
    active_first = case((SigningKey.retired_at.is_(None), 0), else_=1)
    # A row without a public key (an old placeholder) is no key: it is never published.
    rows = db.session.scalars(select(SigningKey).where(SigningKey.public_key != "").order_by(
        active_first, SigningKey.created_at.desc(), SigningKey.kid.desc()))
    return {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": row.public_key, "kid": row.kid,
                      "use": "sig", "alg": "EdDSA"} for row in rows]}
