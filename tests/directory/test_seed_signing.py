"""Seeding signs credentials in worker processes: they verify and equal a serial signature."""

from __future__ import annotations

import json
from datetime import datetime

NOW = datetime(2026, 6, 1)


def seeded_certificates(workers: int, n: int = 40):
    from sqlalchemy import select

    from talentpool.accounts.models import User
    from talentpool.certification.models import Certificate
    from talentpool.directory.seed import seed_profiles
    from talentpool.extensions import db

    assert seed_profiles(n, seed=11, now=NOW, workers=workers) == n
    rows = db.session.execute(select(Certificate, User.email).join(
        User, User.id == Certificate.user_id).order_by(Certificate.id)).all()
    assert len(rows) >= n // 3
    return rows


def test_credentials_signed_by_workers_verify_with_the_instance_key(app):
    from talentpool.certification import keys
    from talentpool.certification.credential import check_signature
    from talentpool.certification.service import signed_credential

    with app.app_context():
        rows = seeded_certificates(workers=2)
        for certificate, email in rows:
            document = json.loads(certificate.credential)
            published = keys.public_key(certificate.signing_kid, certificate.organisation_id)
            assert published is not None

            def find_key(method, published=published):
                return published[0]

            check = check_signature(document, find_key)
            assert (check.signature, check.kid) == ("valid", certificate.signing_kid)
            # Ed25519 is deterministic: signing the same certificate here gives the same text.
            assert signed_credential(certificate, email, certificate.issued_at) == (
                certificate.signing_kid, certificate.credential)


def test_workers_and_a_single_process_seed_the_same_credential_content(app):
    """Apart from what is random anyway (serials, salts, status indexes), the same seed gives
    the same credentials however many processes sign them."""
    from talentpool.extensions import db

    def content(credential: str) -> dict:
        document = json.loads(credential)
        subject = document["credentialSubject"]
        document["id"] = document["credentialSubject"] = document["proof"] = None
        document.pop("credentialStatus")
        return {**document, "achievement": subject["achievement"], "result": subject["result"],
                "created": json.loads(credential)["proof"][0]["created"]}

    with app.app_context():
        parallel = [content(c.credential) for c, _email in seeded_certificates(workers=2)]
        db.session.execute(db.text("DELETE FROM certificate"))
        db.session.commit()
        serial = [content(c.credential) for c, _email in seeded_certificates(workers=0)]
    assert parallel == serial


def test_a_full_status_list_moves_seeding_on_to_further_issuers(app, monkeypatch):
    """One organisation's status lists hold LIST_SIZE certificates; a million seeded profiles
    hold more, so further seeded issuers take the rest, each signing with its own key."""
    from sqlalchemy import func, select

    from talentpool.certification import keys, status_list
    from talentpool.certification.credential import check_signature
    from talentpool.certification.models import Certificate
    from talentpool.extensions import db

    monkeypatch.setattr(status_list, "LIST_SIZE", 16)
    with app.app_context():
        rows = seeded_certificates(workers=0, n=60)
        per_issuer = dict(db.session.execute(select(
            Certificate.organisation_id, func.count()).group_by(Certificate.organisation_id)
            .order_by(Certificate.organisation_id)).all())
        assert len(per_issuer) >= 2 and all(count <= 16 for count in per_issuer.values())
        assert len({(c.organisation_id, c.status_index) for c, _email in rows}) == len(rows)
        for certificate, _email in rows:
            key = keys.public_key(certificate.signing_kid, certificate.organisation_id)[0]
            assert check_signature(json.loads(certificate.credential),
                                   lambda method, key=key: key).signature == "valid"
