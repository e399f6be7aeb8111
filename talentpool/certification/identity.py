"""The holder's identity document as a certificate names it: 证件类型 and 证件号码.

Plain functions, standard library only. A 居民身份证 number is checked against GB 11643-1999: 17
digits (region, date of birth, sequence) and an ISO 7064 MOD 11-2 check character. Other
documents are only checked for shape (5–20 letters or digits), since their numbering differs by
issuing country or region. Public pages show a number masked (``mask_id_number``).
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

MASK = "*"
RESIDENT_ID = "resident_id"


@dataclass(frozen=True)
class IdType:
    """A kind of identity document; ``code`` is stored and never renamed (our own codes)."""

    code: str
    zh: str
    en: str


ID_TYPES = {kind.code: kind for kind in (
    IdType(RESIDENT_ID, "居民身份证", "Resident identity card"),
    IdType("hk_macao_permit", "港澳居民来往内地通行证",
           "Mainland travel permit for Hong Kong and Macao residents"),
    IdType("taiwan_permit", "台湾居民来往大陆通行证", "Mainland travel permit for Taiwan residents"),
    IdType("passport", "护照", "Passport"),
    IdType("foreign_permanent_residence", "外国人永久居留身份证",
           "Foreign permanent resident ID card"),
)}

# Problems ``id_number_problem`` reports; the forms and imports translate them.
UNKNOWN_TYPE, RESIDENT_SHAPE, RESIDENT_DATE, RESIDENT_CHECK, OTHER_SHAPE = (
    "unknown_type", "resident_shape", "resident_date", "resident_check", "other_shape")

_RESIDENT = re.compile(r"[0-9]{17}[0-9X]")
_OTHER = re.compile(r"[A-Z0-9]{5,20}")
# W_i = 2^(17 - i) mod 11 for the 17 digits, left to right (GB 11643-1999, ISO 7064 MOD 11-2).
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARACTERS = "10X98765432"  # indexed by the weighted sum mod 11


def normalise_id_number(number: str) -> str:
    """Full-width to half-width (NFKC), spaces and dashes removed, upper case (x → X)."""
    text = unicodedata.normalize("NFKC", number or "")
    return re.sub(r"[\s\-]", "", text).upper()


def resident_check_character(first17: str) -> str:
    """The GB 11643 check character of 17 digits: ISO 7064 MOD 11-2, 10 written as X.

    Σ aᵢ·Wᵢ mod 11 = r, check = (12 − r) mod 11.
    """
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def _real_date(digits: str) -> bool:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    return born.year >= 1900


def id_number_problem(id_type: str, number: str) -> str | None:
    """None when ``number`` (normalised) is a possible number of this document type, else one of
    UNKNOWN_TYPE, RESIDENT_SHAPE, RESIDENT_DATE, RESIDENT_CHECK, OTHER_SHAPE."""
    if id_type not in ID_TYPES:
        return UNKNOWN_TYPE
    if id_type == RESIDENT_ID:
        if not _RESIDENT.fullmatch(number):
            return RESIDENT_SHAPE
        if not _real_date(number[6:14]):
            return RESIDENT_DATE
        if resident_check_character(number[:17]) != number[17]:
            return RESIDENT_CHECK
        return None
    return None if _OTHER.fullmatch(number) else OTHER_SHAPE


def mask_id_number(number: str | None) -> str | None:
    """The number with its middle masked: first and last four kept of an 18-character number
    (1101**********123X); shorter numbers keep a quarter of their length at each end, so at
    least half is always hidden. None when empty."""
    if not number:
        return None
    keep = min(4, len(number) // 4)
    return number[:keep] + MASK * (len(number) - 2 * keep) + number[len(number) - keep:]


def last_six_match(typed: str, number: str | None) -> bool:
    """Whether ``typed`` is the last six characters of ``number`` (normalised); constant-time."""
    typed = normalise_id_number(typed)
    if not number or len(typed) != 6:
        return False
    return hmac.compare_digest(typed.encode(), number[-6:].encode())
