"""The issuer's did:web DID and DID document."""

import pytest

from talentpool.certification import status_changes
from talentpool.certification.did import did_web, multikey

DID = "did:web:localhost:issuers:talentpool"


@pytest.mark.parametrize(("base", "expected"), [
    ("https://talentpool.example.org", "did:web:talentpool.example.org:issuers:tp"),
    ("http://127.0.0.1:5000", "did:web:127.0.0.1%3A5000:issuers:tp"),
    ("https://example.org/pool/", "did:web:example.org:pool:issuers:tp"),
])
def test_did_web_follows_the_method(base, expected):
    assert did_web(base, "tp") == expected


def test_multikey_has_the_ed25519_prefix():
    """The Multikey of the W3C vc-di-eddsa test key pair (TestVectors/keyPair.json)."""
    raw = bytes.fromhex("ac2e30d8fc8b2a8e0e0d7b1d3bb4d4f4dbc0f6e4e5f0e93cd6e80bd4a1e0c1a5")
    assert multikey(raw).startswith("z6Mk") and len(multikey(raw)) == 48


def test_document_lists_keys_while_their_certificates_are_valid(app, client, runner,
                                                                make_certificate):
    old = make_certificate()
    runner.invoke(args=["certificates", "rotate-key"])
    make_certificate()
    document = client.get("/issuers/talentpool/did.json").get_json()
    assert document["id"] == DID and len(document["assertionMethod"]) == 2
    assert all(method["controller"] == DID and method["type"] == "Multikey"
               and method["id"] in document["assertionMethod"]
               for method in document["verificationMethod"])
    old_method = client.get(f"/api/v1/certificates/{old.serial}/credential").get_json()[
        "proof"][0]["verificationMethod"]
    assert old_method in document["assertionMethod"]
    with app.app_context():
        status_changes.revoke(old.serial, "Issued in error")
    document = client.get("/issuers/talentpool/did.json").get_json()
    assert old_method not in document["assertionMethod"] and len(document["assertionMethod"]) == 1
    credential = client.get(f"/api/v1/certificates/{old.serial}/credential").get_json()
    answer = client.post("/api/v1/credentials/verify", json=credential).get_json()
    assert (answer["signature"], answer["key"], answer["status"]) == ("valid", "retired", "revoked")


def test_unknown_issuer_is_a_json_404(client):
    answer = client.get("/issuers/someone-else/did.json")
    assert answer.status_code == 404 and answer.get_json()["error"]


def test_a_key_of_another_issuer_does_not_verify(client, make_certificate):
    credential = client.get(
        f"/api/v1/certificates/{make_certificate().serial}/credential").get_json()
    method = credential["proof"][0]["verificationMethod"]
    credential["proof"][0]["verificationMethod"] = method.replace(DID, "did:web:evil.example")
    answer = client.post("/api/v1/credentials/verify", json=credential).get_json()
    assert (answer["signature"], answer["status"]) == ("invalid", "tampered")
