"""Certificate serials: 140 random bits written in Crockford base32, e.g. ``TP-7K2Q-…``.

A serial is never derived from a counter, so knowing one certificate tells nothing about
another. Crockford's alphabet leaves out I, L, O and U; on input those confusable letters
are read as 1, 1, 0 and rejected respectively, case and dashes do not matter.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "TP"
CHARACTERS = 28  # 28 × 5 = 140 random bits (at least 128 are required)
GROUP = 4
_READ_AS = {"I": "1", "L": "1", "O": "0"}
_VALID = set(ALPHABET)


def new_serial() -> str:
    """A fresh random serial in display form."""
    value = secrets.randbits(CHARACTERS * 5)
    chars = []
    for _ in range(CHARACTERS):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return _display("".join(chars))


def _display(body: str) -> str:
    groups = [body[i:i + GROUP] for i in range(0, len(body), GROUP)]
    return "-".join([PREFIX, *groups])


def normalise_serial(text: str) -> str | None:
    """The display form of a typed or scanned serial, or None when it cannot be one."""
    if not isinstance(text, str) or len(text) > 80:
        return None
    body = "".join(ch for ch in text.upper() if ch not in " -\t")
    if body.startswith(PREFIX):
        body = body[len(PREFIX):]
    body = "".join(_READ_AS.get(ch, ch) for ch in body)
    if len(body) != CHARACTERS or not set(body) <= _VALID:
        return None
    return _display(body)
