"""A seeded certificate's credential is built and verified exactly like an issued one.

Seeding (``directory.seed``) and issuing (``certification.service``) build credentials with the
same two functions; here their results meet the same verifiers: the verify API (checked
against the OpenAPI document) and 1EdTech's Open Badges 3.0 JSON Schema. That the service
re-signs a seeded certificate to the same text is tests/directory/test_seed_signing.py.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from tests.api_conformance import ConformingClient
from tests.certification.test_ob3_json_schema import problems, validator  # noqa: F401

NOW = datetime(2026, 6, 1)


@pytest.fixture(autouse=True)
def conforming(app):
    app.test_client_class = ConformingClient


def seeded(app, n: int = 12) -> list[tuple[str, str, int, bool]]:
    """(serial, holder e-mail, level, has a panel score) of the seeded certificates."""
    from talentpool.accounts.models import User
    from talentpool.certification.models import Certificate
    from talentpool.directory.seed import seed_profiles
    from talentpool.extensions import db

    with app.app_context():
        seed_profiles(n, seed=5, now=NOW, workers=0)
        rows = db.session.execute(select(Certificate, User.email).join(
            User, User.id == Certificate.user_id).order_by(Certificate.id)).all()
        return [(c.serial, email, c.level, c.panel_score is not None) for c, email in rows]


def shape(value):
    """The structure of a JSON document: its keys and the types of its values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def verdict(client, credential: dict) -> dict:
    answer = client.post("/api/v1/credentials/verify", json=credential)
    assert answer.status_code == 200
    body = answer.get_json()
    return {key: body[key] for key in ("verified", "signature", "key", "status")}


def test_a_seeded_credential_verifies_like_an_issued_one(app, client, make_certificate,
                                                         validator):  # noqa: F811
    serial, _email, level, panel = seeded(app)[0]
    issued = make_certificate(level=level, panel=71 if panel else None).serial
    documents = {name: client.get(f"/api/v1/certificates/{number}/credential").get_json()
                 for name, number in (("seeded", serial), ("issued", issued))}
    for name, document in documents.items():
        assert verdict(client, document) == {"verified": True, "signature": "valid",
                                             "key": "active", "status": "valid"}, name
        assert problems(validator, document) == [], name
    assert shape(documents["seeded"]) == shape(documents["issued"])
    assert documents["seeded"]["issuer"] == documents["issued"]["issuer"]
    assert documents["seeded"]["proof"][0]["verificationMethod"] == \
        documents["issued"]["proof"][0]["verificationMethod"]


def test_an_edited_seeded_credential_fails_like_an_edited_issued_one(app, client):
    serial = seeded(app)[0][0]
    document = client.get(f"/api/v1/certificates/{serial}/credential").get_json()
    document["credentialSubject"]["result"][1]["value"] = "100"
    assert verdict(client, document)["signature"] == "invalid"
