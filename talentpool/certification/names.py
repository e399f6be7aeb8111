"""The holder's name as the public may see it: masked, or checked against a typed name.

The public verification page shows only a masked name (as the national certificate lookup
does); a verifier who knows the full name can have it confirmed, never read it.
"""

from __future__ import annotations

import hmac
import unicodedata

MASK = "*"


def normalise_name(name: str) -> str:
    """NFKC, case-folded, whitespace runs collapsed to one space and trimmed."""
    return " ".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def _is_cjk(character: str) -> bool:
    return unicodedata.east_asian_width(character) in ("W", "F") and character.isalpha()


def mask_name(name: str) -> str | None:
    """张*明 for a Chinese name (first and last character kept, 张* for two characters, * for
    one); initials of each word for other names (John Smith → J*** S****). None when empty.
    """
    name = " ".join(unicodedata.normalize("NFKC", name or "").split())
    if not name:
        return None
    if any(_is_cjk(character) for character in name):
        characters = name.replace(" ", "")
        if len(characters) == 1:
            return MASK
        if len(characters) == 2:
            return characters[0] + MASK
        return characters[0] + MASK * (len(characters) - 2) + characters[-1]
    masked, word_start = [], True
    for character in name:
        if character.isalnum():
            masked.append(character if word_start else MASK)
            word_start = False
        else:  # spaces, hyphens, apostrophes and dots stay and start a new word
            masked.append(character)
            word_start = True
    return "".join(masked)


def names_match(typed: str, holder_name: str) -> bool:
    """Whether a typed name is the holder's name after ``normalise_name``; constant-time."""
    expected = normalise_name(holder_name)
    if not expected:
        return False
    return hmac.compare_digest(normalise_name(typed).encode(), expected.encode())
