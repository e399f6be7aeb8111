"""A credential verifies with nothing but the issuer's DID document, pyld and ``cryptography``.

The verifier below uses no project code: it follows W3C vc-di-eddsa (eddsa-rdfc-2022) the way a
third party would, resolving the key from the did:web document the site serves; the JSON-LD
contexts are read from the vendored files. (tests/certification/test_independent_verifier.py
runs Digital Bazaar's JavaScript libraries against a live server.)
"""

import copy
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
CONTEXTS = Path(__file__).parents[2] / "talentpool" / "certification" / "contexts"
FILES = {"https://www.w3.org/ns/credentials/v2": CONTEXTS / "credentials-v2.jsonld",
         "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json":
             CONTEXTS / "ob-v3p0-context-3.0.3.json"}


def b58decode(text: str) -> bytes:
    number = 0
    for ch in text:
        number = number * 58 + B58.index(ch)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def load(url, options=None):
    return {"contextUrl": None, "documentUrl": url,
            "document": json.loads(FILES[url].read_text(encoding="utf-8"))}


def rdfc(document) -> bytes:
    return jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                       "documentLoader": load}).encode()


def independently_verified(credential: dict, did_document: dict) -> bool:
    """eddsa-rdfc-2022 verification from the W3C specification, with the published keys."""
    document = copy.deepcopy(credential)
    proofs = document.pop("proof")
    if not isinstance(proofs, list) or len(proofs) != 1:
        return False
    proof = proofs[0]
    if proof["type"] != "DataIntegrityProof" or proof["cryptosuite"] != "eddsa-rdfc-2022":
        return False
    if proof["verificationMethod"] not in did_document["assertionMethod"]:
        return False
    method = next(m for m in did_document["verificationMethod"]
                  if m["id"] == proof["verificationMethod"])
    if method["controller"] != document["issuer"]["id"] or method["type"] != "Multikey":
        return False
    multikey = b58decode(method["publicKeyMultibase"].removeprefix("z"))
    assert multikey[:2] == b"\xed\x01"
    public_key = Ed25519PublicKey.from_public_bytes(multikey[2:])
    signature = b58decode(proof.pop("proofValue").removeprefix("z"))
    config = {**proof, "@context": document["@context"]}
    hash_data = hashlib.sha256(rdfc(config)).digest() + hashlib.sha256(rdfc(document)).digest()
    try:
        public_key.verify(signature, hash_data)
    except InvalidSignature:
        return False
    return True


def fetch(client, serial):
    credential = client.get(f"/api/v1/certificates/{serial}/credential").get_json()
    return credential, client.get("/issuers/talentpool/did.json").get_json()


def test_issued_credential_verifies_with_the_issuer_did_document(client, make_certificate):
    issued = make_certificate(name="李雷")
    credential, did_document = fetch(client, issued.serial)
    assert independently_verified(credential, did_document)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    identity = credential["credentialSubject"]["identifier"][0]
    expected = hashlib.sha256((issued.email + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == "sha256$" + expected and identity["hashed"] is True
    assert "李雷" not in json.dumps(credential, ensure_ascii=False)
    assert credential["id"].endswith(f"/verify/{issued.serial}")
    assert credential["issuer"]["id"] == "did:web:localhost:issuers:talentpool"


TAMPERING = {
    "validUntil": lambda c: c.__setitem__("validUntil", "2099-01-01T00:00:00Z"),
    "identityHash": lambda c: c["credentialSubject"]["identifier"][0].__setitem__(
        "identityHash", "sha256$" + "0" * 64),
    "level result": lambda c: c["credentialSubject"]["result"][0].__setitem__("value", "1"),
    "theory score": lambda c: c["credentialSubject"]["result"][1].__setitem__("value", "100"),
    "achievement": lambda c: c["credentialSubject"]["achievement"].__setitem__("name", "一级"),
    "issuer": lambda c: c["issuer"].__setitem__("name", "Someone else"),
    "credential id": lambda c: c.__setitem__("id", c["id"] + "X"),
    "issuer id": lambda c: c["issuer"].__setitem__("id", "did:web:evil.example"),
    "type": lambda c: c["type"].append("ExtraType"),
    "added field": lambda c: c.__setitem__("description", "extra"),
    "removed field": lambda c: c.pop("validFrom"),
    "context": lambda c: c["@context"].pop(),
    "proof created": lambda c: c["proof"][0].__setitem__("created", "2020-01-01T00:00:00Z"),
    "proof value": lambda c: c["proof"][0].__setitem__(
        "proofValue", c["proof"][0]["proofValue"][:-2] + "11"),
}


@pytest.mark.parametrize("change", TAMPERING.values(), ids=TAMPERING.keys())
def test_any_change_breaks_the_signature(client, make_certificate, change):
    issued = make_certificate()
    credential, did_document = fetch(client, issued.serial)
    change(credential)
    assert not independently_verified(credential, did_document)
    result = client.post("/api/v1/credentials/verify", json=credential).get_json()
    assert result["verified"] is False and result["status"] == "tampered"


def test_rotation_keeps_old_credentials_verifying(app, client, runner, make_certificate):
    old = make_certificate()
    assert "New signing key" in runner.invoke(args=["certificates", "rotate-key"]).output
    new = make_certificate()
    old_credential, did_document = fetch(client, old.serial)
    new_credential, _ = fetch(client, new.serial)
    old_kid = old_credential["proof"][0]["verificationMethod"].split("#")[1]
    new_kid = new_credential["proof"][0]["verificationMethod"].split("#")[1]
    jwks = client.get("/.well-known/jwks.json").get_json()
    assert old_kid != new_kid and [key["kid"] for key in jwks["keys"]] == [new_kid, old_kid]
    did = "did:web:localhost:issuers:talentpool"
    assert did_document["assertionMethod"] == [f"{did}#{new_kid}", f"{did}#{old_kid}"]
    assert independently_verified(old_credential, did_document)
    assert independently_verified(new_credential, did_document)
    answer = client.post("/api/v1/credentials/verify", json=old_credential).get_json()
    assert (answer["verified"], answer["key"], answer["kid"]) == (True, "retired", old_kid)
    answer = client.post("/api/v1/credentials/verify", json=new_credential).get_json()
    assert answer["key"] == "active"


def test_private_keys_stay_private(app, client, make_certificate):
    issued = make_certificate()
    folder = os.path.join(app.instance_path, "keys")
    [key_file] = os.listdir(folder)
    assert stat.S_IMODE(os.stat(os.path.join(folder, key_file)).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    jwks = client.get("/.well-known/jwks.json").get_json()
    assert all(set(key) == {"kty", "crv", "x", "kid", "use", "alg"} for key in jwks["keys"])
    with open(os.path.join(folder, key_file)) as handle:
        private_pem = handle.read()
    for url in ("/.well-known/jwks.json", f"/api/v1/certificates/{issued.serial}/credential",
                f"/instance/keys/{key_file}", f"/static/../instance/keys/{key_file}",
                f"/keys/{key_file}"):
        body = client.get(url).get_data(as_text=True)
        assert "PRIVATE KEY" not in body and private_pem.splitlines()[1] not in body
