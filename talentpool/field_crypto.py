"""Field-level encryption at rest for personal data the register must keep (the holder's
identity number), with blind indexes for equality lookups.

Keys: ``FIELD_ENCRYPTION_KEYS`` is a comma-separated list of ``<key id>:<32 bytes, base64url>``;
the first key encrypts, every key decrypts, so a new key goes first and ``talentpool identity
rotate-key`` then re-encrypts every value with it before the old one is dropped. Without the
setting, one key is generated once and kept 0600 in ``<instance>/field_keys`` (a key kept beside
the database protects backups and database dumps, not a stolen server: set the environment
variable in production, from a secret store).

A sealed value is ``v1.<key id>.<base64url(nonce ‖ AES-256-GCM ciphertext)>``; the column's name
is the associated data, so a value moved to another column does not open. A blind index is
HMAC-SHA256 (key derived from the encryption key with HKDF) of the normalised value: equal values
have equal indexes under one key, and lookups try every configured key, so a lookup finds rows
not yet re-encrypted during a rotation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

VERSION = "v1"


class FieldKeyError(RuntimeError):
    """A sealed value names a key that is not configured, or the setting is malformed."""


@dataclass(frozen=True)
class FieldKey:
    kid: str
    secret: bytes

    @property
    def index_secret(self) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                    info=b"talentpool blind index").derive(self.secret)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_key_setting() -> str:
    """A fresh ``<kid>:<key>`` entry for ``FIELD_ENCRYPTION_KEYS``."""
    return f"k{secrets.token_hex(4)}:{_b64(secrets.token_bytes(32))}"


def parse_keys(setting: str) -> list[FieldKey]:
    """The keys of a ``FIELD_ENCRYPTION_KEYS`` value, current first."""
    keys = []
    for entry in (part.strip() for part in setting.split(",") if part.strip()):
        kid, _colon, encoded = entry.partition(":")
        try:
            secret = _unb64(encoded)
        except ValueError:
            secret = b""
        if not kid.isalnum() or len(secret) != 32:
            raise FieldKeyError("FIELD_ENCRYPTION_KEYS entries are <key id>:<32 bytes in "
                                "base64url>, the key id letters and digits")
        keys.append(FieldKey(kid, secret))
    if not keys:
        raise FieldKeyError("FIELD_ENCRYPTION_KEYS holds no key")
    return keys


def _instance_setting() -> str:
    path = Path(current_app.instance_path) / "field_keys"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it first
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(new_key_setting())
    return path.read_text().strip()


def configured_keys() -> list[FieldKey]:
    """The configured keys, current first."""
    setting = current_app.config.get("FIELD_ENCRYPTION_KEYS") or _instance_setting()
    return parse_keys(setting)


def seal(value: str, column: str) -> str:
    """``value`` encrypted with the current key, bound to ``column``."""
    key = configured_keys()[0]
    nonce = secrets.token_bytes(12)
    box = AESGCM(key.secret).encrypt(nonce, value.encode(), column.encode())
    return f"{VERSION}.{key.kid}.{_b64(nonce + box)}"


def open_sealed(sealed: str, column: str) -> str:
    """The plain value of ``sealed``; FieldKeyError when its key is not configured or it was
    altered or moved from another column."""
    version, kid, body = (sealed.split(".", 2) + ["", ""])[:3]
    key = next((k for k in configured_keys() if k.kid == kid), None)
    if version != VERSION or key is None:
        raise FieldKeyError(f"no configured key {kid!r} opens this value")
    data = _unb64(body)
    try:
        return AESGCM(key.secret).decrypt(data[:12], data[12:], column.encode()).decode()
    except InvalidTag:
        raise FieldKeyError("the sealed value was altered or belongs to another column") from None


def sealed_with_current(sealed: str) -> bool:
    """Whether ``sealed`` is already encrypted with the current key."""
    return sealed.split(".", 2)[1:2] == [configured_keys()[0].kid]


def reseal_rows(session, model, order_column, sealed: str, plain: str, batch: int = 500) -> int:
    """Encrypt every value of ``model`` again with the current key (after a new key was put
    first in ``FIELD_ENCRYPTION_KEYS``): rows whose ``sealed`` attribute is under an older key
    get their ``plain`` property set to itself (the old key opens, the current one seals);
    walks the table by ``order_column``, one commit per batch. The number re-sealed."""
    from sqlalchemy import select

    count, last = 0, None
    while True:
        query = select(model).order_by(order_column).limit(batch)
        if last is not None:
            query = query.where(order_column > last)
        rows = list(session.scalars(query))
        if not rows:
            return count
        for row in rows:
            if not sealed_with_current(getattr(row, sealed)):
                setattr(row, plain, getattr(row, plain))
                count += 1
        last = getattr(rows[-1], order_column.key)
        session.commit()


def blind_index(value: str, column: str) -> str:
    """The current key's blind index of ``value`` in ``column`` (hex HMAC-SHA256)."""
    return _index(configured_keys()[0], value, column)


def blind_indexes(value: str, column: str) -> list[str]:
    """The blind index of ``value`` under every configured key (for lookups)."""
    return [_index(key, value, column) for key in configured_keys()]


def _index(key: FieldKey, value: str, column: str) -> str:
    return hmac.new(key.index_secret, f"{column}\0{value}".encode(),
                    hashlib.sha256).hexdigest()
