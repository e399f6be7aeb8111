"""Revocation and suspension through W3C Bitstring Status Lists
(https://www.w3.org/TR/vc-bitstring-status-list/).

Each certificate gets a random bit of its organisation's lists when it is issued
(``status_index``, unique per organisation), the same bit in two lists: the revocation list (1
when the certificate was revoked or superseded by a newer certificate of its level — both final)
and the suspension list (1 while it is suspended; reinstating clears it). The credential's
``credentialStatus`` names the revocation bit only: Open Badges 3.0 allows one status object
(its JSON Schema), so the suspension list serves verifiers that use this documented convention
and the day OB allows several entries. Each list is a signed ``BitstringStatusListCredential``
served at ``/issuers/<slug>/status/<purpose>``; ``/status/revocation`` stays for credentials
signed before organisations had lists of their own. A list has ``LIST_SIZE`` bits (131,072, the
specification's minimum for herd privacy), GZIP-compressed and base64url-encoded with the
multibase prefix ``u``. Random indexes keep neighbouring bits from telling which certificates
were issued together.

Signing costs a canonicalisation, so a signed list is cached until its set bits or the signing
key change.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import secrets
import zlib
from array import array
from datetime import datetime

from sqlalchemy import select

from talentpool.caching import cached
from talentpool.certification import keys
from talentpool.certification.credential import VC_CONTEXT, sign, timestamp
from talentpool.certification.did import issuer_did
from talentpool.certification.models import Certificate, StoredStatus
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.organisations.models import Organisation

LIST_SIZE = 131_072
REVOCATION, SUSPENSION = "revocation", "suspension"
PURPOSES = (REVOCATION, SUSPENSION)
FINAL = (StoredStatus.REVOKED, StoredStatus.SUPERSEDED)


class StatusListFull(RuntimeError):
    """Every bit of the list is taken."""


def list_url(base: str, organisation: Organisation, purpose: str) -> str:
    """Where the organisation's ``purpose`` list is served."""
    return f"{base}/issuers/{organisation.slug}/status/{purpose}"


def free_indexes(n: int, organisation_id: int) -> list[int]:
    """``n`` distinct random indexes no certificate of the organisation holds yet."""
    used = set(db.session.scalars(select(Certificate.status_index).where(
        Certificate.organisation_id == organisation_id, Certificate.status_index.is_not(None))))
    if len(used) + n > LIST_SIZE:
        raise StatusListFull(f"the status lists hold {LIST_SIZE} certificates; "
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


def decoded_bit(encoded: object, index: int) -> bool:
    """Bit ``index`` of an ``encodedList`` (what a verifier does; the one reader, also for
    other issuers' lists). Only the bytes up to the bit are inflated, so a compressed bomb
    cannot exhaust memory. ValueError when the list is not readable or too short."""
    if not isinstance(encoded, str) or not encoded.startswith("u") or index < 0:
        raise ValueError("not an encoded status list")
    raw = encoded[1:]
    try:
        packed = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        data = zlib.decompressobj(wbits=31).decompress(packed, index // 8 + 1)
    except (zlib.error, ValueError):
        raise ValueError("not a GZIP status list") from None
    if len(data) <= index // 8:
        raise ValueError("the status list is shorter than the index")
    return bool(data[index // 8] & (0x80 >> (index % 8)))


def set_bits(organisation_id: int, purpose: str) -> list[int]:
    """The indexes whose bit is 1 in the organisation's ``purpose`` list, ascending."""
    condition = (Certificate.status.in_(FINAL) if purpose == REVOCATION else
                 (Certificate.status == StoredStatus.VALID) & Certificate.suspended_at.is_not(None))
    return sorted(db.session.scalars(select(Certificate.status_index).where(
        Certificate.organisation_id == organisation_id, Certificate.status_index.is_not(None),
        condition)))


def status_list_credential(base: str, organisation: Organisation, purpose: str,
                           url: str | None = None, now: datetime | None = None) -> dict | None:
    """The organisation's signed ``purpose`` list served at ``url`` (cached while its bits and
    key stay the same), or None before the organisation has a signing key (nothing was issued,
    so nothing can be listed)."""
    kid = keys.active_kid(organisation.id)
    if kid is None or purpose not in PURPOSES:
        return None
    url = url or list_url(base, organisation, purpose)
    bits = set_bits(organisation.id, purpose)
    digest = hashlib.sha256(array("i", bits).tobytes()).hexdigest()
    return cached("status-list", (url, organisation.id, purpose, kid, digest),
                  lambda: _build(url, organisation, purpose, bits, now or utcnow()), size=16)


def _build(url: str, organisation: Organisation, purpose: str, bits: list[int],
           now: datetime) -> dict:
    issuer = issuer_did(organisation)
    now = now.replace(microsecond=0)
    kid, private_key = keys.signing_key(now, organisation.id)
    unsecured = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": timestamp(now),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList",
                              "statusPurpose": purpose, "encodedList": encoded_list(bits)},
    }
    return sign(unsecured, f"{issuer}#{kid}", private_key, now)
