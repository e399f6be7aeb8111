"""Password policy and hashing.

Policy after NIST SP 800-63B: length matters more than character classes, and
well-known or context-derived passwords are refused.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
MAX_LENGTH = 128

# A short list of the passwords seen most often in breach corpora (lower-case).
COMMON_PASSWORDS = frozenset(
    """
    123456789a 1234567890 12345678910 0123456789 1q2w3e4r5t qwertyuiop 1qaz2wsx3edc
    password12 password123 password1234 passw0rd123 iloveyou12 abcdefghij abc1234567
    aaaaaaaaaa 1111111111 0000000000 qwerty1234 qwertyuiop1 zxcvbnm123 woaini1314
    woaini520a 5201314520 asdfghjkl1 administrator letmein123 welcome123 changeme123
    talentpool talentpool1 talentpool123 trainee1234 annotator1 dragon1234 monkey1234
    """.split()
)


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Return why ``password`` is too weak, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return _("This password is too easy to guess; choose a less common one.")
    for context in (email.split("@")[0].lower(), name.lower()):
        if len(context) >= 4 and context in lowered:
            return _("Do not use your name or e-mail address in the password.")
    return None


def hash_password(password: str) -> str:
    """Slow salted hash (scrypt by default)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str, password: str) -> bool:
    """Constant-time check of ``password`` against its stored hash."""
    return check_password_hash(password_hash, password)
