"""The trust list: which other issuers' credentials are recognised here, and as what.

An entry is one DID (exact) or a domain (every did:web DID on that host, ``host`` or
``host:port``). ``levels`` are the levels its credentials may count as; none means "display
only". This instance's own issuers need no entry: their certificates count already, so
importing them is refused (``is_own``).
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from talentpool.certification.did import did_web
from talentpool.certification.service import public_base_url
from talentpool.extensions import db
from talentpool.recognition.did_web import NotDidWeb, host_of
from talentpool.recognition.models import TrustEntry
from talentpool.recognition.reasons import RecognitionError

DOMAIN = re.compile(r"^(?=.{1,253}(:|$))[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?"
                    r"(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*(:[0-9]{1,5})?$")


def parse_levels(text: str | None) -> list[int]:
    """Levels written as ``3,4,5`` (or with spaces); RecognitionError for anything else."""
    words = [word for word in re.split(r"[\s,，、]+", text or "") if word]
    if any(word not in "12345" or len(word) != 1 for word in words):
        raise RecognitionError(_("Levels are numbers from 1 to 5, separated by commas."))
    return sorted({int(word) for word in words})


def levels_of(entry: TrustEntry) -> list[int]:
    """The levels an entry's credentials may count as (empty: display only)."""
    return [int(word) for word in entry.levels.split(",") if word]


def counted_level(entry: TrustEntry, stated: int | None) -> int | None:
    """The level a credential counts as: the level it states when the entry allows it, else the
    entry's level for credentials that state none; None when it counts for nothing."""
    allowed = levels_of(entry)
    level = stated if stated is not None else entry.foreign_level
    return level if level in allowed else None


def _subject(text: str) -> tuple[str, str]:
    text = (text or "").strip()
    if text.startswith("did:"):
        try:
            host_of(text)
        except NotDidWeb:
            raise RecognitionError(_("%(did)s is not a did:web DID; only did:web issuers can be "
                                     "checked.", did=text[:200])) from None
        return "did", text
    domain = text.lower().rstrip(".")
    if not DOMAIN.match(domain):
        raise RecognitionError(_("Give a did:web DID or a domain such as example.org."))
    return "domain", domain


def add_entry(subject: str, name: str, levels: str | None = "",
              foreign_level: int | None = None) -> TrustEntry:
    """Trust a DID or a domain; commits."""
    kind, subject = _subject(subject)
    name = (name or "").strip()
    if not 1 <= len(name) <= 200:
        raise RecognitionError(_("Give the issuer's name (1 to 200 characters)."))
    allowed = parse_levels(levels)
    if foreign_level is not None and foreign_level not in allowed:
        raise RecognitionError(_("The level other credentials count as must be one of the "
                                 "allowed levels."))
    entry = TrustEntry(kind=kind, subject=subject, name=name,
                       levels=",".join(map(str, allowed)), foreign_level=foreign_level)
    db.session.add(entry)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise RecognitionError(_("%(subject)s is already on the trust list.",
                                 subject=subject)) from None
    return entry


def remove_entry(subject: str) -> TrustEntry:
    """Stop trusting a DID or domain (recognitions already accepted stay); commits."""
    _kind, subject = _subject(subject)
    entry = db.session.scalar(select(TrustEntry).where(TrustEntry.subject == subject))
    if entry is None:
        raise RecognitionError(_("%(subject)s is not on the trust list.", subject=subject))
    db.session.delete(entry)
    db.session.commit()
    return entry


def entries() -> list[TrustEntry]:
    """The whole trust list, by subject."""
    return list(db.session.scalars(select(TrustEntry).order_by(TrustEntry.subject)))


def trusted(did: str) -> TrustEntry | None:
    """The entry that trusts ``did``: its exact DID first, else its domain."""
    exact = db.session.scalar(select(TrustEntry).where(
        TrustEntry.kind == "did", TrustEntry.subject == did))
    if exact is not None:
        return exact
    try:
        host = host_of(did)
    except NotDidWeb:
        return None
    return db.session.scalar(select(TrustEntry).where(
        TrustEntry.kind == "domain", TrustEntry.subject.in_({host, host.split(":")[0]}))
        .order_by(TrustEntry.subject.desc()).limit(1))


def is_own(did: str) -> bool:
    """Whether ``did`` is an issuer of this instance (``did:web:<this site>:issuers:…``)."""
    own_prefix = did_web(public_base_url(), "x")[:-1]
    return isinstance(did, str) and did.startswith(own_prefix)
