"""JSON Canonicalization Scheme (RFC 8785) and base58-btc multibase, for signed credentials.

JCS serialises a JSON value deterministically: no whitespace, object members sorted by the
UTF-16 code units of their names, strings escaped as ECMAScript's ``JSON.stringify`` does and
numbers written as ECMAScript's ``Number.prototype.toString`` writes IEEE-754 doubles.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal

MAX_SAFE_INTEGER = 2**53 - 1
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {ch: i for i, ch in enumerate(BASE58_ALPHABET)}


class CanonicalizationError(ValueError):
    """The value has no JCS form (NaN, infinity, an unsafe integer, a lone surrogate…)."""


def canonicalize(value: object) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of ``value``."""
    try:
        return _serialise(value).encode("utf-8")
    except UnicodeEncodeError as error:
        raise CanonicalizationError("string is not valid Unicode") from error


def _serialise(value: object) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalizationError("integer outside the IEEE-754 safe range")
        return str(value)
    if isinstance(value, float):
        return es6_number(value)
    if isinstance(value, str):
        # Python's escaping with ensure_ascii=False equals JSON.stringify's: \" \\ \b \f \n \r \t,
        # other control characters as lower-case \u00xx, everything else literal.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ",".join(_serialise(item) for item in value) + "]"
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise CanonicalizationError("object keys must be strings")
        keys = sorted(value, key=lambda key: key.encode("utf-16-be", "surrogatepass"))
        return "{" + ",".join(f"{_serialise(k)}:{_serialise(value[k])}" for k in keys) + "}"
    raise CanonicalizationError(f"{type(value).__name__} is not a JSON value")


def es6_number(x: float) -> str:
    """ECMAScript's shortest round-trip text of a double (ECMA-262 Number::toString)."""
    if math.isnan(x) or math.isinf(x):
        raise CanonicalizationError("NaN and infinity are not JSON numbers")
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    # repr() gives the shortest digits that round-trip, as ECMAScript requires.
    _sign, digit_tuple, exponent = Decimal(repr(abs(x))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + exponent
    k, n = len(digits), point  # value = 0.digits × 10^n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        head = digits if k == 1 else digits[0] + "." + digits[1:]
        text = f"{head}e{'+' if e > 0 else '-'}{abs(e)}"
    return sign + text


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
