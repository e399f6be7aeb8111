"""A foreign issuer for the recognition tests: a did:web DID document, credentials and status
lists served by a tiny HTTP server on 127.0.0.1, signed with a fresh Ed25519 key."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from talentpool.certification.credential import (
    VC_CONTEXT, CredentialFacts, sign, status_entry, timestamp, unsigned_credential,
)
from talentpool.certification.did import DID_CONTEXTS, did_web, multikey
from talentpool.certification.status_list import encoded_list
from talentpool.database import utcnow
from tests.conftest import make_app

SALT = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        routes = self.server.routes
        found = routes.get(self.path)
        if found is None:
            self.send_response(404)
            self.end_headers()
            return
        status, headers, body = found
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


class ForeignIssuer:
    """Another issuer: its DID, key, DID document, credentials and status lists."""

    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.routes = {}
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.did = did_web(self.base, "test")
        self.key = Ed25519PrivateKey.generate()
        self.revoked: set[int] = set()
        self.suspended: set[int] = set()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.publish_did_document()

    def serve(self, path: str, document: object, status: int = 200,
              content_type: str = "application/json", headers: dict | None = None) -> str:
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        self.server.routes[path] = (status, {"Content-Type": content_type, **(headers or {})},
                                    body)
        return self.base + path

    def publish_did_document(self, key: Ed25519PrivateKey | None = None) -> None:
        raw = (key or self.key).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        method = {"id": f"{self.did}#key-1", "type": "Multikey", "controller": self.did,
                  "publicKeyMultibase": multikey(raw)}
        self.serve("/issuers/test/did.json", {"@context": DID_CONTEXTS, "id": self.did,
                                              "verificationMethod": [method],
                                              "assertionMethod": [method["id"]]})

    def signed(self, document: dict, now: datetime | None = None) -> dict:
        return sign(document, f"{self.did}#key-1", self.key, (now or utcnow()).replace(
            microsecond=0))

    def publish_status_lists(self, now: datetime | None = None) -> None:
        now = (now or utcnow()).replace(microsecond=0)
        for purpose, bits in (("revocation", self.revoked), ("suspension", self.suspended)):
            url = f"{self.base}/status/{purpose}"
            self.serve(f"/status/{purpose}", self.signed({
                "@context": [VC_CONTEXT], "id": url,
                "type": ["VerifiableCredential", "BitstringStatusListCredential"],
                "issuer": self.did, "validFrom": timestamp(now),
                "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList",
                                      "statusPurpose": purpose,
                                      "encodedList": encoded_list(sorted(bits))}}, now))

    def unsigned(self, email: str, level: int = 4, index: int | None = 7,
                 valid_from: datetime | None = None, valid_until: datetime | None = None,
                 serial: str = "TP-TEST-0001") -> dict:
        """A talentpool-shaped credential of this issuer (it states its level)."""
        now = utcnow().replace(microsecond=0)
        facts = CredentialFacts(serial, level, 80, 75, 70 if level <= 2 else None,
                                "Foreign Skills Centre", self.did, valid_from or now - timedelta(
                                    days=1), valid_until, email, SALT, self.base,
                                {"zh": "职业技能等级证书",
                                 "en": "Vocational Skill Level Certificate"},
                                f"{self.base}/issuers/test")
        document = unsigned_credential(facts)
        if index is not None:  # both purposes, as VC 2.0 allows (other issuers do)
            lists = f"{self.base}/status"
            document["credentialStatus"] = [status_entry(lists, index, "revocation"),
                                            status_entry(lists, index, "suspension")]
        return document

    def credential(self, email: str, **options) -> dict:
        self.publish_status_lists()
        return self.signed(self.unsigned(email, **options))

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def issuer():
    foreign = ForeignIssuer()
    yield foreign
    foreign.stop()


@pytest.fixture
def app(tmp_path, monkeypatch):
    """The app, allowed to fetch over plain http from 127.0.0.1 (the test issuers)."""
    from talentpool.extensions import db

    monkeypatch.setenv("TALENTPOOL_INSTANCE", str(tmp_path / "instance"))
    application = make_app(tmp_path, DID_WEB_HTTP_HOSTS=["127.0.0.1"])
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def as_bytes(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()
