"""Recognition use cases: import a credential (file or URL), re-check imported ones, and the
one home of "levels a person holds" (``held_levels``).

An import is checked in full before anything is written (``verify``); a refusal stores nothing.
Accepted recognitions count for exam eligibility and talent tiers through ``held_levels``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.recognition import trust
from talentpool.recognition.fetch import (
    MAX_BYTES, FetchFailed, FetchRefused, NotJson, TooLarge, fetch_bytes, fetch_json,
)
from talentpool.recognition.models import Recognition, Source, State
from talentpool.recognition.reasons import ImportRefused, refusal
from talentpool.recognition.verify import verify
from talentpool.strict_json import MalformedJSON, parse_strict_json


def _notify(user_id: int) -> None:
    """Tiers and eligibility follow the person's levels: tell the directory after the commit."""
    from talentpool.signals import certificate_changed, send_after_commit

    send_after_commit(certificate_changed, user_id=user_id)


def recognised_levels(user_id: int, now: datetime | None = None) -> set[int]:
    """Levels of the person's accepted recognitions that have not expired."""
    now = now or utcnow()
    rows = db.session.execute(select(Recognition.level).where(
        Recognition.user_id == user_id, Recognition.state == State.ACCEPTED,
        Recognition.level.is_not(None),
        or_(Recognition.valid_until.is_(None), Recognition.valid_until > now)))
    return {level for (level,) in rows}


def held_levels(user_id: int, now: datetime | None = None) -> set[int]:
    """Every level a person holds: valid certificates of this site and accepted recognitions.

    Exam eligibility and talent tiers both read this, and nothing else.
    """
    from talentpool.certification.service import valid_certificates_of

    now = now or utcnow()
    return {c.level for c in valid_certificates_of(user_id, now)} | recognised_levels(user_id, now)


def recognitions_of(user_id: int) -> list[Recognition]:
    """A person's recognitions, newest first."""
    return list(db.session.scalars(select(Recognition).where(Recognition.user_id == user_id)
                                   .order_by(Recognition.created_at.desc(),
                                             Recognition.id.desc())))


def shown_recognitions(user_id: int, now: datetime | None = None) -> list[Recognition]:
    """Accepted, unexpired recognitions: what the profile and employers see."""
    now = now or utcnow()
    return [r for r in recognitions_of(user_id) if r.state == State.ACCEPTED
            and (r.valid_until is None or r.valid_until > now)]


def holder_records(user_id: int) -> list[dict]:
    """The person's recognitions for their data export (the scan itself is left out)."""
    from talentpool.database import rfc3339

    return [{"id": r.public_id, "source": r.source, "state": r.state,
             "issuer_did": r.issuer_did, "issuer_name": r.issuer_name,
             "achievement_name": r.achievement_name, "stated_level": r.stated_level,
             "counts_as_level": r.level, "kind": r.kind, "number": r.number,
             "occupation": r.occupation,
             "issued_on": r.issued_on.isoformat() if r.issued_on else None,
             "valid_until": rfc3339(r.valid_until), "verified_how": r.verified_how,
             "checked_at": rfc3339(r.checked_at), "created_at": rfc3339(r.created_at),
             "rejection_reason": r.rejection_reason, "credential": r.credential}
            for r in recognitions_of(user_id)]


def parse_upload(raw: bytes) -> object:
    """The uploaded JSON, or ImportRefused (too large, malformed)."""
    if len(raw) > MAX_BYTES:
        raise refusal("too_large", kb=MAX_BYTES // 1024)
    try:
        return parse_strict_json(raw)
    except MalformedJSON:
        raise refusal("malformed") from None


def _fingerprint(document: dict, text: str) -> str:
    the_id = document.get("id")
    if isinstance(the_id, str) and 0 < len(the_id) <= 300:
        return the_id
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def import_credential(user, raw: bytes, now: datetime | None = None) -> Recognition:
    """Verify an uploaded credential and store it as an accepted recognition. Commits once;
    ImportRefused (nothing stored) with the first reason it fails."""
    return _import(user, parse_upload(raw), raw.decode("utf-8"), now or utcnow())


def import_from_url(user, url: str, now: datetime | None = None) -> Recognition:
    """Fetch the credential at an https address, then import it like an upload."""
    try:
        raw = fetch_bytes((url or "").strip()[:2000])
    except FetchRefused as error:
        raise refusal("bad_url", detail=str(error)) from None
    except TooLarge:
        raise refusal("too_large", kb=MAX_BYTES // 1024) from None
    except NotJson:
        raise refusal("malformed") from None
    except FetchFailed as error:
        raise refusal("fetch_failed", detail=str(error)) from None
    return import_credential(user, raw, now)


def _import(user, document: object, text: str, now: datetime) -> Recognition:
    checked = verify(document, email=user.email, now=now, fetch=fetch_json, is_own=trust.is_own,
                     trusted=trust.trusted)
    fingerprint = _fingerprint(document, text)
    if db.session.scalar(select(Recognition.id).where(
            Recognition.user_id == user.id, Recognition.fingerprint == fingerprint)):
        raise refusal("already_imported")
    entry = trust.trusted(checked.issuer_did)
    row = Recognition(
        user_id=user.id, source=Source.CREDENTIAL, state=State.ACCEPTED, fingerprint=fingerprint,
        issuer_did=checked.issuer_did, issuer_name=checked.issuer_name,
        achievement_name=checked.achievement_name, stated_level=checked.stated_level,
        level=trust.counted_level(entry, checked.stated_level), credential=text,
        valid_until=checked.valid_until, verified_how=checked.verified_how,
        checked_at=checked.checked_at, created_at=checked.checked_at)
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:  # the same credential imported at the same moment
        db.session.rollback()
        raise refusal("already_imported") from None
    _notify(user.id)
    return row


def recheck_imported(now: datetime | None = None) -> str:
    """The daily re-check of imported credentials (``recheck``), as one line for the job log."""
    report = recheck(now)
    changed = sum(1 for _row, outcome in report if outcome in RECHECK_OUTCOMES)
    unreachable = sum(1 for _row, outcome in report if outcome == "unavailable")
    return (f"re-checked {len(report)} imported credentials: {changed} revoked, suspended or "
            f"expired, {unreachable} could not be reached")


RECHECK_OUTCOMES = {"revoked": State.REVOKED, "suspended": State.SUSPENDED,
                    "expired": State.EXPIRED}


def recheck(now: datetime | None = None) -> list[tuple[Recognition, str]]:
    """Check every imported, accepted or suspended credential again (signature, status lists,
    expiry); revoked, suspended and expired ones stop counting, a lifted suspension counts
    again. A site that cannot be reached changes nothing. One commit; (row, outcome) pairs."""
    from talentpool.accounts.models import User

    now = now or utcnow()
    rows = list(db.session.scalars(select(Recognition).where(
        Recognition.source == Source.CREDENTIAL,
        Recognition.state.in_((State.ACCEPTED, State.SUSPENDED))).order_by(Recognition.id)))
    report, changed = [], set()
    for row in rows:
        user = db.session.get(User, row.user_id)
        # Trust was checked at import; a re-check only asks whether the credential still holds.
        try:
            verify(json.loads(row.credential), email=user.email, now=now, fetch=fetch_json,
                   is_own=lambda _did: False, trusted=lambda _did, found=row: found)
        except ImportRefused as refused:
            state = RECHECK_OUTCOMES.get(refused.code)
            outcome = refused.code
        else:
            state, outcome = State.ACCEPTED, "valid"
        if state is not None and state != row.state:
            row.state = state
            changed.add(row.user_id)
        if outcome != "unavailable":
            row.checked_at = now.replace(microsecond=0)
        report.append((row, outcome))
    db.session.commit()
    for user_id in changed:
        _notify(user_id)
    return report
