"""eddsa-rdfc-2022 and the JSON-LD underneath: the W3C test vectors, safe mode, no network."""

import json
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from talentpool.certification.canonical import from_base58btc
from talentpool.certification.credential import hash_data, sign
from talentpool.certification.linked_data import (
    PACKAGE_CONTEXTS, DocumentLoader, LinkedDataError, canonical_nquads,
)

VECTORS = Path(__file__).with_name("vectors")
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
LOADER = DocumentLoader({**PACKAGE_CONTEXTS, EXAMPLES: VECTORS / "credentials-examples-v2.jsonld"})


def vector(name: str) -> str:
    return (VECTORS / name).read_text(encoding="utf-8")


def test_w3c_eddsa_rdfc_2022_vectors_are_reproduced_exactly():
    """vc-di-eddsa §A.2 (TestVectors/eddsa-rdfc-2022): canonical forms, hashes, signature."""
    unsigned = json.loads(vector("unsigned.json"))
    signed = json.loads(vector("eddsa-rdfc-2022/signedDataInt.json"))
    secret = from_base58btc(json.loads(vector("keyPair.json"))["privateKeyMultibase"])
    assert secret[:2] == b"\x80\x26"  # ed25519-priv multicodec
    private_key = Ed25519PrivateKey.from_private_bytes(secret[2:])
    proof = dict(signed["proof"])
    del proof["proofValue"]
    config = {**proof, "@context": unsigned["@context"]}
    assert canonical_nquads(unsigned, LOADER).strip() == vector(
        "eddsa-rdfc-2022/canonDocDataInt.txt").strip()
    assert canonical_nquads(config, LOADER).strip() == vector(
        "eddsa-rdfc-2022/proofCanonDataInt.txt").strip()
    assert hash_data(unsigned, config, LOADER).hex() == vector(
        "eddsa-rdfc-2022/combinedHashDataInt.txt").strip()
    from datetime import datetime

    ours = sign(unsigned, proof["verificationMethod"], private_key,
                datetime(2023, 2, 24, 23, 36, 38), LOADER)
    assert ours["proof"] == [signed["proof"]]
    assert ours["proof"][0]["proofValue"] == vector("eddsa-rdfc-2022/sigBTC58DataInt.txt").strip()


BASE = {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:uuid:1",
        "type": ["VerifiableCredential"], "issuer": "did:example:1",
        "validFrom": "2026-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:2"}}


@pytest.mark.parametrize("document", [
    {**BASE, "@context": ["https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx"]},
    {**BASE, "@context": ["https://www.w3.org/2018/credentials/v1"]},
    {**BASE, "undefinedTerm": "x"},
    {**BASE, "credentialStatus": {"id": "https://x.example/1", "type": "NoSuchStatusType"}},
    {**BASE, "type": ["VerifiableCredential", "NoSuchType"]},
    {**BASE, "id": "relative/id"},
], ids=["unknown context", "other context", "undefined term", "undefined status type",
        "undefined type", "relative id"])
def test_safe_mode_refuses_what_a_context_does_not_define(document):
    assert canonical_nquads(BASE)  # the base document itself is fine
    with pytest.raises(LinkedDataError):
        canonical_nquads(document)


def test_contexts_never_come_from_the_network(monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("tried to open a connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    with pytest.raises(LinkedDataError):
        canonical_nquads({**BASE, "@context": ["https://www.w3.org/ns/credentials/v2",
                                               "https://example.org/context.jsonld"]})
    assert canonical_nquads(BASE)


def test_a_poison_graph_is_refused_quickly():
    """Blank nodes that all look alike make RDFC-1.0 try every permutation; it is bounded."""
    nodes = [{"@id": f"_:b{i}", "http://example.org/p": [{"@id": f"_:b{j}"} for j in range(10)
                                                          if j != i]} for i in range(10)]
    started = time.perf_counter()
    with pytest.raises(LinkedDataError, match="too complex"):
        canonical_nquads({"@graph": nodes})
    assert time.perf_counter() - started < 10


def test_each_context_is_loaded_once_and_then_served_from_the_cache():
    """pyld keeps a context resolved from a URL across calls only when it is tagged static."""
    loaded = []

    class CountingLoader(DocumentLoader):
        def __call__(self, url, options=None):
            loaded.append(url)
            return super().__call__(url, options)

    loader = CountingLoader(PACKAGE_CONTEXTS)
    credential = {**BASE, "@context": list(PACKAGE_CONTEXTS),
                  "type": ["VerifiableCredential", "OpenBadgeCredential"]}
    first = canonical_nquads(credential, loader)
    for _ in range(3):
        assert canonical_nquads(credential, loader) == first
    assert sorted(loaded) == sorted(PACKAGE_CONTEXTS)
