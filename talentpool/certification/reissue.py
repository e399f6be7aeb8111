"""Re-signing stored credentials after the proof format or the issuer identity changed.

Credentials signed before an upgrade (an `eddsa-jcs-2022` proof, a proof object instead of an
array, a key in a JWKS instead of the issuer's DID, no credential at all) no longer verify; those
with a list as `credentialStatus` verify but fail the Open Badges 3.0 JSON Schema. The
certificate itself is unchanged — serial, holder, scores, dates, status and salt stay — so its
credential is signed again, now, by the current signing key. A credential that verifies and
conforms is left alone. A certificate whose holder deleted their account cannot be re-signed
(the credential's identity hash needs the holder's address): it is counted and keeps its old
credential; its verify page still answers from the register.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from talentpool.accounts.models import User
from talentpool.certification.models import Certificate
from talentpool.certification.service import VALID, signed_credential, verify_credential
from talentpool.certification.status_list import free_indexes
from talentpool.database import utcnow
from talentpool.extensions import db

BATCH = 200


@dataclass(frozen=True)
class ReissueReport:
    """How many credentials were checked, re-signed, and could not be (no holder account)."""

    checked: int
    resigned: int
    without_holder: int

    def __str__(self) -> str:
        return (f"{self.checked} credentials checked, {self.resigned} signed again, "
                f"{self.without_holder} left as they were (the holder's account was deleted)")


def _current(text: str | None) -> bool:
    """The credential verifies and has the shape this release issues."""
    try:
        document = json.loads(text or "")
    except ValueError:
        return False
    if not isinstance(document, dict):
        return False
    status = document.get("credentialStatus")
    return (isinstance(status, dict)
            and "/issuers/" in str(status.get("statusListCredential"))  # its organisation's list
            and verify_credential(document).signature == VALID)


def reissue_credentials(now: datetime | None = None) -> ReissueReport:
    """Sign again every stored credential that no longer verifies or conforms; commits per batch."""
    now = (now or utcnow()).replace(microsecond=0)
    checked = resigned = without_holder = 0
    last_id = 0
    while True:
        batch = list(db.session.scalars(select(Certificate).where(Certificate.id > last_id)
                                        .order_by(Certificate.id).limit(BATCH)))
        if not batch:
            break
        for certificate in batch:
            checked += 1
            if _current(certificate.credential):
                continue
            holder = db.session.get(User, certificate.user_id) if certificate.user_id else None
            if holder is None:
                without_holder += 1
                continue
            if certificate.status_index is None:  # issued before the status list existed
                [certificate.status_index] = free_indexes(1, certificate.organisation_id)
            certificate.signing_kid, certificate.credential = signed_credential(
                certificate, holder.email, now)
            resigned += 1
        last_id = batch[-1].id
        db.session.commit()
    return ReissueReport(checked, resigned, without_holder)
