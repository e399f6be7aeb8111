"""The checks an imported credential passes, in order, each failure with its own reason.

not a credential → unsigned → unsupported proof → issued here / untrusted issuer → DID document
fetched (else "cannot verify now") → signature (else "tampered") → status lists, each itself
verified (else "cannot verify now") → revoked → suspended → expired / not yet valid → someone
else. The caller parses the upload first (too large, malformed) and checks "already imported"
last. Fetching comes in as an argument, so the checks run against any transport.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _

from talentpool.certification.credential import CRYPTOSUITE, check_signature, identity_hash
from talentpool.certification.credential import is_credential
from talentpool.certification.levels import OCCUPATION_CODE
from talentpool.certification.linked_data import PACKAGE_LOADER
from talentpool.certification.status_list import decoded_bit
from talentpool.recognition.did_web import NotDidWeb, host_of, key_finder
from talentpool.recognition.fetch import FetchFailed, FetchRefused
from talentpool.recognition.reasons import ImportRefused, refusal

LEVEL_ACHIEVEMENT = re.compile(
    rf"/achievements/{re.escape(OCCUPATION_CODE)}/data-annotator/level-([1-5])$")
STATUS_OUTCOMES = (("revocation", "revoked"), ("suspension", "suspended"))


@dataclass(frozen=True)
class Verified:
    """What an accepted credential states, and how it was checked."""

    issuer_did: str
    issuer_name: str
    achievement_name: str
    stated_level: int | None
    valid_until: datetime | None
    verified_how: str
    checked_at: datetime


def parse_time(value: object) -> datetime | None:
    """A VC dateTime as naive UTC; ValueError when it is not one."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("not a dateTime")  # noqa: TRY004 (callers treat every bad date alike)
    moment = datetime.fromisoformat(value)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def issuer_of(document: dict) -> tuple[object, str]:
    """(issuer id, issuer name) as the credential states them."""
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        name = issuer.get("name")
        return issuer.get("id"), name if isinstance(name, str) else ""
    return issuer, ""


def _proof_supported(document: dict) -> bool:
    proofs = document.get("proof")
    if not isinstance(proofs, list):
        return False  # check_signature reads a one-item array, as this site issues it
    return (len(proofs) == 1 and isinstance(proofs[0], dict)
            and proofs[0].get("type") == "DataIntegrityProof"
            and proofs[0].get("cryptosuite") == CRYPTOSUITE
            and proofs[0].get("proofPurpose") == "assertionMethod")


def unknown_context(document: dict) -> str | None:
    """The first ``@context`` URL this site does not ship (contexts are never fetched), or None.
    Without it the document cannot be canonicalized, so its signature cannot be checked."""
    contexts = document.get("@context")
    for context in contexts if isinstance(contexts, list) else [contexts]:
        if isinstance(context, str) and context not in PACKAGE_LOADER.files:
            return context
    return None


def stated_level(subject: dict) -> int | None:
    """The level a talentpool credential states (its achievement ``…/level-N``), else None."""
    achievement = subject.get("achievement")
    the_id = achievement.get("id") if isinstance(achievement, dict) else None
    match = LEVEL_ACHIEVEMENT.search(the_id) if isinstance(the_id, str) else None
    if match is None:
        return None
    number = int(match.group(1))
    results = subject.get("result") if isinstance(subject.get("result"), list) else []
    achieved = {r.get("achievedLevel") for r in results if isinstance(r, dict)} - {None}
    return number if not achieved or f"{the_id}#level-{number}" in achieved else None


def names_holder(subject: dict, email: str) -> bool:
    """Whether an ``identifier`` of the subject is the e-mail address (hashed with its salt)."""
    identifiers = subject.get("identifier")
    identifiers = identifiers if isinstance(identifiers, list) else [identifiers]
    for item in identifiers:
        if not isinstance(item, dict) or item.get("identityType") != "emailAddress":
            continue
        stated, salt = item.get("identityHash"), item.get("salt") or ""
        if not isinstance(stated, str) or not isinstance(salt, str):
            continue
        if item.get("hashed") is True and stated == identity_hash(email, salt):
            return True
        if item.get("hashed") is False and stated.strip().lower() == email.strip().lower():
            return True
    return False


def _status_entries(document: dict) -> list[dict]:
    entries = document.get("credentialStatus") or []
    entries = entries if isinstance(entries, list) else [entries]
    return [entry for entry in entries if isinstance(entry, dict)
            and entry.get("type") == "BitstringStatusListEntry"]


def _status_bit(entry: dict, did: str, find_key, fetch, now: datetime) -> tuple[str, bool]:
    """(purpose, bit) of one entry, from a status list credential that verifies."""
    purpose, url = entry.get("statusPurpose"), entry.get("statusListCredential")
    try:
        index = int(entry.get("statusListIndex"))
    except (TypeError, ValueError):
        raise FetchFailed("the status entry names no list position") from None
    if not isinstance(url, str) or not isinstance(purpose, str):
        raise FetchFailed("the status entry names no list")
    listed = fetch(url)
    if (not is_credential(listed) or "BitstringStatusListCredential" not in listed["type"]
            or issuer_of(listed)[0] != did or check_signature(listed, find_key).signature
            != "valid"):
        raise FetchFailed(f"the status list at {url} is not a list signed by {did}")
    subject = listed.get("credentialSubject")
    purposes = subject.get("statusPurpose") if isinstance(subject, dict) else None
    if purpose not in (purposes if isinstance(purposes, list) else [purposes]):
        raise FetchFailed(f"the status list at {url} is not a {purpose} list")
    try:
        until = parse_time(listed.get("validUntil"))
        bit = decoded_bit(subject.get("encodedList"), index)
    except (ValueError, TypeError):
        raise FetchFailed(f"the status list at {url} cannot be read") from None
    if until is not None and until <= now:
        raise FetchFailed(f"the status list at {url} has expired")
    return purpose, bit


def verify(document: object, *, email: str, now: datetime, fetch: Callable[[str], object],
           is_own: Callable[[str], bool], trusted: Callable[[str], object]) -> Verified:
    """Check ``document`` for the holder with ``email``; ImportRefused with the first reason.

    ``trusted(did)`` is the trust-list entry of a DID or None; ``is_own(did)`` tells this
    instance's own issuers.
    """
    if not is_credential(document):
        raise refusal("not_a_credential")
    if isinstance(document.get("proof"), dict):  # one proof may be written without an array
        document = {**document, "proof": [document["proof"]]}
    if not document.get("proof"):
        raise refusal("unsigned")
    if not _proof_supported(document):
        raise refusal("unsupported_proof")
    context = unknown_context(document)
    if context is not None:
        raise refusal("unsupported_context", context=context[:200])
    did, stated_name = issuer_of(document)
    label = str(did)[:200] if did else "—"
    try:
        host_of(did)
    except NotDidWeb:
        raise refusal("untrusted_issuer", issuer=label) from None
    if is_own(did):
        raise refusal("issued_here")
    entry = trusted(did)
    if entry is None:
        raise refusal("untrusted_issuer", issuer=label)
    try:
        find_key = key_finder(did, fetch)
    except (FetchFailed, FetchRefused, NotDidWeb) as error:
        raise refusal("unavailable", detail=str(error)) from None
    if check_signature(document, find_key).signature != "valid":
        raise refusal("tampered")
    try:
        bits = [_status_bit(e, did, find_key, fetch, now) for e in _status_entries(document)]
    except (FetchFailed, FetchRefused) as error:
        raise refusal("unavailable", detail=str(error)) from None
    for purpose, outcome in STATUS_OUTCOMES:
        if (purpose, True) in bits:
            raise refusal(outcome)
    try:
        valid_from = parse_time(document.get("validFrom"))
        valid_until = parse_time(document.get("validUntil"))
    except ValueError:
        raise refusal("not_a_credential") from None
    if valid_until is not None and valid_until <= now:
        raise refusal("expired", date=valid_until.date().isoformat())
    if valid_from is not None and valid_from > now:
        raise refusal("not_yet_valid", date=valid_from.date().isoformat())
    subject = document.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    if not names_holder(subject, email):
        raise refusal("someone_else")
    achievement = subject.get("achievement")
    name = achievement.get("name") if isinstance(achievement, dict) else None
    checked = now.replace(microsecond=0)
    how = f"signature via did:web {did}" + (
        f", status list checked {checked.isoformat()}Z" if bits else ", no status list")
    return Verified(did, (stated_name or getattr(entry, "name", "") or label)[:200],
                    (name if isinstance(name, str) else _("(unnamed achievement)"))[:300],
                    stated_level(subject), valid_until, how, checked)


__all__ = ["ImportRefused", "Verified", "verify"]
