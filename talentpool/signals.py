"""What one domain tells the others, after its transaction has committed.

Receivers run after the commit, so their failure can never undo or hide what was saved: a
receiver that fails is logged and its work is caught up by the nightly jobs (tiers are
recomputed for everyone every night).
"""

from __future__ import annotations

import logging

from blinker import Namespace

signals = Namespace()

#: A person's certificates changed (issued, revoked, superseded). Sent with ``user_id``.
certificate_changed = signals.signal("certificate-changed")

log = logging.getLogger(__name__)


def send_after_commit(signal, **payload) -> None:
    """Send ``signal``; a failing receiver is logged, never raised into the caller."""
    for receiver in signal.receivers_for(None):
        try:
            receiver(None, **payload)
        except Exception:  # noqa: BLE001 — a follow-up must not fail the committed use case
            log.exception("receiver %r of %s failed for %r", receiver, signal.name, payload)
            from talentpool.extensions import db

            db.session.rollback()
