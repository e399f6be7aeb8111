"""POST /api/v1/credentials/verify: answers for good credentials, refusals for bad input.

Every answer is checked against the OpenAPI document (``ConformingClient``).
"""

import json
from datetime import datetime

import pytest

from talentpool.certification import status_changes
from tests.api_conformance import ConformingClient


@pytest.fixture(autouse=True)
def conforming(app):
    app.test_client_class = ConformingClient


def credential_of(client, serial) -> dict:
    return client.get(f"/api/v1/certificates/{serial}/credential").get_json()


def post_raw(client, body: bytes, content_type="application/json"):
    return client.post("/api/v1/credentials/verify", data=body, content_type=content_type)


def test_valid_credential_is_verified_without_a_csrf_token(client, make_certificate):
    issued = make_certificate()
    answer = client.post("/api/v1/credentials/verify", json=credential_of(client, issued.serial))
    body = answer.get_json()
    assert answer.status_code == 200
    assert (body["verified"], body["signature"], body["key"], body["status"]) == (
        True, "valid", "active", "valid")
    assert body["certificate"]["serial"] == issued.serial


def test_revoked_and_expired_credentials_keep_a_good_signature(app, client, make_certificate):
    revoked, expired = make_certificate(), make_certificate(now=datetime(2018, 6, 1), valid_years=3)
    with app.app_context():
        status_changes.revoke(revoked.serial, "Issued in error")
    for issued, status in ((revoked, "revoked"), (expired, "expired")):
        body = client.post("/api/v1/credentials/verify",
                           json=credential_of(client, issued.serial)).get_json()
        assert (body["verified"], body["signature"], body["status"]) == (False, "valid", status)
    assert body["certificate"]["status"] == "expired"


def test_signed_credential_of_a_forgotten_certificate_is_unknown(app, client, make_certificate):
    issued = make_certificate()
    credential = credential_of(client, issued.serial)
    with app.app_context():
        from talentpool.certification.models import Certificate
        from talentpool.extensions import db

        db.session.query(Certificate).delete()
        db.session.commit()
    body = client.post("/api/v1/credentials/verify", json=credential).get_json()
    assert (body["signature"], body["status"], body["certificate"]) == ("valid", "unknown", None)


VC = {"@context": ["https://www.w3.org/ns/credentials/v2",
                   "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
      "type": ["VerifiableCredential", "OpenBadgeCredential"]}


@pytest.mark.parametrize("document", [
    {}, {"proof": "nope"}, {"proof": [{"type": "DataIntegrityProof"}]}, {"hello": "world"},
    {"@context": "https://www.w3.org/ns/credentials/v2", "type": "VerifiableCredential"},
    {**VC, "@context": ["https://www.w3.org/2018/credentials/v1"]},
    {**VC, "type": ["OpenBadgeCredential"]},
])
def test_json_that_is_not_a_credential_is_said_to_be_none(client, document):
    answer = client.post("/api/v1/credentials/verify", json=document)
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["verified"], body["signature"], body["status"]) == (
        False, "missing", "not_a_credential")


@pytest.mark.parametrize("document", [
    VC, {**VC, "proof": "nope"}, {**VC, "proof": {"type": "Ed25519Signature2020"}},
    {**VC, "proof": [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
                      "proofPurpose": "assertionMethod", "verificationMethod": "x#unknown-kid",
                      "proofValue": "z111"}]},
    {**VC, "proof": [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
                      "proofPurpose": "assertionMethod", "verificationMethod": "#k",
                      "proofValue": 7, "@context": 3}]},
])
def test_credentials_without_a_good_proof_are_tampered(client, document):
    answer = client.post("/api/v1/credentials/verify", json=document)
    assert answer.status_code == 200
    assert answer.get_json()["verified"] is False and answer.get_json()["status"] == "tampered"


def test_proof_with_a_key_of_ours_but_bad_bytes_is_invalid(client, make_certificate):
    issued = make_certificate()
    credential = credential_of(client, issued.serial)
    credential["proof"][0]["proofValue"] = "z0OIl"
    body = client.post("/api/v1/credentials/verify", json=credential).get_json()
    assert (body["signature"], body["key"], body["status"]) == ("invalid", "active", "tampered")
    credential["validUntil"] = 1.5e300  # a float in a tampered credential canonicalises fine
    assert client.post("/api/v1/credentials/verify", json=credential).status_code == 200


@pytest.mark.parametrize("body", [
    b"", b"not json", b"{", b"\xff\xfe{}", b'{"a": NaN}', b'{"a": Infinity}',
    b'{"a": 1, "a": 2}', b"[1, 2]", b'"text"', b"null", b"[" * 30_000 + b"]" * 30_000,
    b'{"a":' * 40 + b"1" + b"}" * 40,
])
def test_garbage_is_a_400_with_a_message(client, body):
    answer = post_raw(client, body)
    assert answer.status_code == 400
    assert answer.is_json and answer.get_json()["error"]


def test_oversized_uploads_are_413(app, client):
    app.config["CREDENTIAL_MAX_BYTES"] = 1024
    padded = json.dumps({"padding": "x" * 2000}).encode()
    answer = post_raw(client, padded)
    assert answer.status_code == 413 and answer.get_json()["error"]
    huge = b'{"padding": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    answer = post_raw(client, huge)
    assert answer.status_code == 413 and answer.is_json


def test_verify_endpoint_accepts_only_post(client):
    answer = client.get("/api/v1/credentials/verify")
    assert answer.status_code == 405 and "POST" in answer.headers["Allow"].split(", ")


def test_status_and_keys_answers_carry_rfc3339_times(client, make_certificate):
    issued = make_certificate(valid_years=3)
    record = client.get(f"/api/v1/certificates/{issued.serial}").get_json()
    for name in ("issued_at", "valid_until"):
        assert datetime.fromisoformat(record[name]).utcoffset().total_seconds() == 0
    assert client.get("/.well-known/jwks.json").get_json()["keys"]


def test_a_key_row_without_a_public_key_is_never_published(app, client, make_certificate):
    make_certificate()
    with app.app_context():
        from talentpool.certification.models import SigningKey
        from talentpool.extensions import db

        db.session.add(SigningKey(kid="seed-unsigned", public_key="", organisation_id=1,
                                  retired_at=datetime(2026, 1, 1)))
        db.session.commit()
    kids = [key["kid"] for key in client.get("/.well-known/jwks.json").get_json()["keys"]]
    assert kids and "seed-unsigned" not in kids
