"""A credential verifies with nothing but the published JWKS, ``cryptography`` and the stdlib.

The verifier below deliberately uses no project code: it re-implements the eddsa-jcs-2022
check the way a third party would (JCS via sorted compact JSON is exact for documents whose
numbers are integers, which is what the issuer emits).
"""

import base64
import copy
import hashlib
import json
import os
import stat

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58decode(text: str) -> bytes:
    number = 0
    for ch in text:
        number = number * 58 + B58.index(ch)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def jcs(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def independently_verified(credential: dict, jwks: dict) -> bool:
    """eddsa-jcs-2022 verification from the W3C specification, with the published keys."""
    document = copy.deepcopy(credential)
    proof = document.pop("proof")
    if proof["type"] != "DataIntegrityProof" or proof["cryptosuite"] != "eddsa-jcs-2022":
        return False
    kid = proof["verificationMethod"].split("#", 1)[1]
    jwk = next((key for key in jwks["keys"] if key["kid"] == kid), None)
    if jwk is None or (jwk["kty"], jwk["crv"], jwk["alg"]) != ("OKP", "Ed25519", "EdDSA"):
        return False
    public_key = Ed25519PublicKey.from_public_bytes(
        base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4)))
    signature = b58decode(proof.pop("proofValue").removeprefix("z"))
    config = {**proof, "@context": document["@context"]}
    hash_data = hashlib.sha256(jcs(config)).digest() + hashlib.sha256(jcs(document)).digest()
    try:
        public_key.verify(signature, hash_data)
    except InvalidSignature:
        return False
    return True


def fetch(client, serial):
    credential = client.get(f"/api/v1/certificates/{serial}/credential").get_json()
    return credential, client.get("/.well-known/jwks.json").get_json()


def test_issued_credential_verifies_with_the_published_jwks(client, make_certificate):
    issued = make_certificate(name="李雷")
    credential, jwks = fetch(client, issued.serial)
    assert independently_verified(credential, jwks)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    identity = credential["credentialSubject"]["identifier"][0]
    expected = hashlib.sha256((issued.email + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == "sha256$" + expected and identity["hashed"] is True
    assert "李雷" not in json.dumps(credential, ensure_ascii=False)
    assert credential["credentialStatus"]["id"].endswith(f"/api/v1/certificates/{issued.serial}")


TAMPERING = {
    "validUntil": lambda c: c.__setitem__("validUntil", "2099-01-01T00:00:00Z"),
    "identityHash": lambda c: c["credentialSubject"]["identifier"][0].__setitem__(
        "identityHash", "sha256$" + "0" * 64),
    "level result": lambda c: c["credentialSubject"]["result"][0].__setitem__("value", "1"),
    "theory score": lambda c: c["credentialSubject"]["result"][1].__setitem__("value", "100"),
    "achievement": lambda c: c["credentialSubject"]["achievement"].__setitem__("name", "一级"),
    "issuer": lambda c: c["issuer"].__setitem__("name", "Someone else"),
    "status id": lambda c: c["credentialStatus"].__setitem__("id", "https://evil.example/x"),
    "type": lambda c: c["type"].append("ExtraType"),
    "added field": lambda c: c.__setitem__("description", "extra"),
    "removed field": lambda c: c.pop("validFrom"),
    "context": lambda c: c["@context"].pop(),
    "proof created": lambda c: c["proof"].__setitem__("created", "2020-01-01T00:00:00Z"),
    "proof value": lambda c: c["proof"].__setitem__(
        "proofValue", c["proof"]["proofValue"][:-2] + "11"),
}


@pytest.mark.parametrize("change", TAMPERING.values(), ids=TAMPERING.keys())
def test_any_change_breaks_the_signature(client, make_certificate, change):
    issued = make_certificate()
    credential, jwks = fetch(client, issued.serial)
    change(credential)
    assert not independently_verified(credential, jwks)
    result = client.post("/api/v1/credentials/verify", json=credential).get_json()
    assert result["verified"] is False and result["status"] == "tampered"


def test_rotation_keeps_old_credentials_verifying(app, client, runner, make_certificate):
    old = make_certificate()
    assert "New signing key" in runner.invoke(args=["certificates", "rotate-key"]).output
    new = make_certificate()
    old_credential, jwks = fetch(client, old.serial)
    new_credential, _ = fetch(client, new.serial)
    old_kid = old_credential["proof"]["verificationMethod"].split("#")[1]
    new_kid = new_credential["proof"]["verificationMethod"].split("#")[1]
    assert old_kid != new_kid and [key["kid"] for key in jwks["keys"]] == [new_kid, old_kid]
    assert independently_verified(old_credential, jwks)
    assert independently_verified(new_credential, jwks)
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
