"""Multibase base58-btc (the ``z…`` form), for proof values and Multikey public keys.

(The JSON Canonicalization Scheme lived here while credentials carried eddsa-jcs-2022 proofs;
they now use eddsa-rdfc-2022, canonicalized in ``linked_data``.)
"""

from __future__ import annotations

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {ch: i for i, ch in enumerate(BASE58_ALPHABET)}


def base58btc(data: bytes) -> str:
    """Multibase base58-btc text of ``data`` (with the ``z`` prefix)."""
    number = int.from_bytes(data, "big")
    chars = []
    while number:
        number, rest = divmod(number, 58)
        chars.append(BASE58_ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "z" + "1" * zeros + "".join(reversed(chars))


def from_base58btc(text: str) -> bytes:
    """Bytes of a ``z``-prefixed multibase base58-btc string; ValueError if it is not one."""
    if not isinstance(text, str) or not text.startswith("z") or len(text) > 200:
        raise ValueError("not a base58-btc multibase value")
    body = text[1:]
    number = 0
    for ch in body:
        if ch not in _BASE58_INDEX:
            raise ValueError("not a base58-btc multibase value")
        number = number * 58 + _BASE58_INDEX[ch]
    zeros = len(body) - len(body.lstrip("1"))
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + raw
