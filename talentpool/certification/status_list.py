"""Revocation through a W3C Bitstring Status List (https://www.w3.org/TR/vc-bitstring-status-list/).

Each certificate gets a random, unique bit of the issuer's revocation list when it is issued
(``status_index``); its credential names that bit in ``credentialStatus``. The list itself is a
signed ``BitstringStatusListCredential`` served at ``/status/revocation``: bit *i* is 1 when the
certificate at index *i* was revoked or superseded by a newer certificate of its level (both are
final). The bitstring has ``LIST_SIZE`` bits (131,072, the specification's minimum for herd
privacy), GZIP-compressed and base64url-encoded with the multibase prefix ``u``. Random indexes
keep neighbouring bits from telling which certificates were issued together.

Signing costs a canonicalisation, so the signed list is cached until a certificate's status or
the signing key changes.
"""

from __future__ import annotations

import base64
import gzip
import secrets
from datetime import datetime

from sqlalchemy import func, select

from talentpool.caching import cached
from talentpool.certification import keys
from talentpool.certification.credential import VC_CONTEXT, sign, timestamp
from talentpool.certification.did import issuer_did
from talentpool.certification.models import Certificate, SigningKey, StoredStatus
from talentpool.database import utcnow
from talentpool.extensions import db

LIST_SIZE = 131_072
PURPOSE = "revocation"
FINAL = (StoredStatus.REVOKED, StoredStatus.SUPERSEDED)


class StatusListFull(RuntimeError):
    """Every bit of the list is taken."""


def free_indexes(n: int) -> list[int]:
    """``n`` distinct random indexes no certificate holds yet."""
    used = set(db.session.scalars(select(Certificate.status_index).where(
        Certificate.status_index.is_not(None))))
    if len(used) + n > LIST_SIZE:
        raise StatusListFull(f"the revocation list holds {LIST_SIZE} certificates; "
                             f"{len(used)} are taken")
    chosen: set[int] = set()
    while len(chosen) < n:
        index = secrets.randbelow(LIST_SIZE)
        if index not in used:
            chosen.add(index)
    return list(chosen)


def encoded_list(set_bits: list[int], size: int = LIST_SIZE) -> str:
    """The multibase (``u`` + base64url, no padding) GZIP of a bitstring with ``set_bits``
    set; bit 0 is the most significant bit of the first byte, as the specification says."""
    bits = bytearray(size // 8)
    for index in set_bits:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decoded_bit(encoded: str, index: int) -> bool:
    """Bit ``index`` of an ``encodedList`` (what a verifier does)."""
    raw = encoded.removeprefix("u")
    data = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    return bool(data[index // 8] & (0x80 >> (index % 8)))


def _active_kid() -> str | None:
    return db.session.scalar(select(SigningKey.kid).where(SigningKey.retired_at.is_(None))
                             .order_by(SigningKey.created_at.desc(), SigningKey.kid.desc())
                             .limit(1))


def _state(kid: str) -> tuple:
    """What the signed list depends on: how many certificates are final (a number that only
    grows), the latest revocation, and the signing key."""
    count, latest = db.session.execute(select(
        func.count(Certificate.id), func.max(Certificate.revoked_at))
        .where(Certificate.status.in_(FINAL), Certificate.status_index.is_not(None))).one()
    return count, latest, kid


def status_list_credential(base: str, now: datetime | None = None) -> dict | None:
    """The signed revocation list of this issuer (cached while nothing it states changes), or
    None before the issuer has a signing key (nothing was issued, so nothing can be listed)."""
    kid = _active_kid()
    if kid is None:
        return None
    return cached("status-list", (base, _state(kid)), lambda: _build(base, now or utcnow()),
                  size=4)


def _build(base: str, now: datetime) -> dict:
    set_bits = list(db.session.scalars(select(Certificate.status_index).where(
        Certificate.status.in_(FINAL), Certificate.status_index.is_not(None))))
    issuer, url = issuer_did(), f"{base}/status/{PURPOSE}"
    now = now.replace(microsecond=0)
    kid, private_key = keys.signing_key(now)
    unsecured = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": timestamp(now),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList",
                              "statusPurpose": PURPOSE, "encodedList": encoded_list(set_bits)},
    }
    return sign(unsecured, f"{issuer}#{kid}", private_key, now)
