"""The import pipeline: each refusal with its own reason and nothing stored; what an accepted
import keeps and what it counts as."""

from __future__ import annotations

import copy
import json
import socket
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from talentpool.accounts.service import create_user
from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.recognition import service, trust
from talentpool.recognition.models import Recognition
from talentpool.recognition.reasons import ImportRefused
from tests.recognition.conftest import as_bytes

EMAIL = "holder@example.org"


@pytest.fixture(autouse=True)
def public_site(app):
    app.config["PUBLIC_BASE_URL"] = "http://localhost"


def make_holder(email: str = EMAIL):
    return create_user(email, "Holder", "correct horse battery", Role.TRAINEE)


def refused(app, raw: bytes, email: str = EMAIL) -> ImportRefused:
    """Import ``raw`` for a new holder; the refusal, after checking nothing was stored."""
    with app.app_context():
        user = make_holder(email)
        with pytest.raises(ImportRefused) as caught:
            service.import_credential(user, raw)
        assert db.session.scalar(select(func.count(Recognition.id))) == 0
    return caught.value


def trusting(app, subject: str, levels: str = "3,4,5", foreign_level: int | None = None):
    with app.app_context():
        trust.add_entry(subject, "Foreign Skills Centre", levels, foreign_level)


def test_a_trusted_credential_is_stored_with_how_it_was_verified(app, issuer):
    trusting(app, issuer.did)
    document = issuer.credential(EMAIL, level=4)
    with app.app_context():
        user = make_holder()
        row = service.import_credential(user, as_bytes(document))
        assert (row.state, row.level, row.stated_level) == ("accepted", 4, 4)
        assert row.issuer_did == issuer.did and row.issuer_name == "Foreign Skills Centre"
        assert "数据标注员" in row.achievement_name
        assert row.verified_how.startswith(f"signature via did:web {issuer.did}, status list "
                                           "checked ")
        assert json.loads(row.credential) == document
        assert service.recognised_levels(user.id) == {4}
        assert service.held_levels(user.id) == {4}


@pytest.mark.parametrize("raw, code", [
    (b"x" * (256 * 1024 + 1), "too_large"),
    (b"{not json", "malformed"),
    (b'{"a": 1, "a": 2}', "malformed"),
    (b'{"a": NaN}', "malformed"),
    (b'{"@context": ["https://example.org"], "type": ["Thing"]}', "not_a_credential"),
    (b"[1, 2]", "not_a_credential"),
])
def test_input_that_is_not_a_credential_is_refused(app, raw, code):
    assert refused(app, raw).code == code


def _edited(issuer, change) -> bytes:
    document = issuer.credential(EMAIL)
    change(document)
    return as_bytes(document)


def test_unsigned_and_unsupported_proofs_are_refused(app, issuer):
    trusting(app, issuer.did)
    assert refused(app, as_bytes(issuer.unsigned(EMAIL))).code == "unsigned"
    two = _edited(issuer, lambda d: d["proof"].append(copy.deepcopy(d["proof"][0])))
    assert refused(app, two, "b@example.org").code == "unsupported_proof"
    jcs = _edited(issuer, lambda d: d["proof"][0].update(cryptosuite="eddsa-jcs-2022"))
    assert refused(app, jcs, "c@example.org").code == "unsupported_proof"


def test_an_issuer_off_the_trust_list_is_named(app, issuer):
    error = refused(app, as_bytes(issuer.credential(EMAIL)))
    assert error.code == "untrusted_issuer" and issuer.did in str(error)
    assert "信任" in str(error) or "trust list" in str(error)


def test_an_issuer_that_is_not_did_web_is_untrusted(app, issuer):
    document = issuer.unsigned(EMAIL)
    document["issuer"]["id"] = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    signed = issuer.signed(document)
    assert refused(app, as_bytes(signed)).code == "untrusted_issuer"


def test_this_sites_own_credentials_are_refused_as_issued_here(app, issuer):
    document = issuer.unsigned(EMAIL)
    document["issuer"]["id"] = "did:web:localhost:issuers:talentpool"
    assert refused(app, as_bytes(issuer.signed(document))).code == "issued_here"


def test_a_domain_entry_trusts_every_did_of_the_host(app, issuer):
    trusting(app, "127.0.0.1", levels="")
    with app.app_context():
        row = service.import_credential(make_holder(), as_bytes(issuer.credential(EMAIL)))
        assert row.state == "accepted" and row.level is None  # display only
        assert service.recognised_levels(row.user_id) == set()


def test_an_unreachable_did_host_means_try_later_never_tampered(app, issuer):
    document = issuer.credential(EMAIL)
    trusting(app, issuer.did)
    issuer.stop()
    error = refused(app, as_bytes(document))
    assert error.code == "unavailable"
    assert "try again later" in str(error) or "稍后" in str(error)


def test_a_missing_status_list_means_try_later(app, issuer):
    trusting(app, issuer.did)
    document = issuer.credential(EMAIL)
    del issuer.server.routes["/status/suspension"]
    assert refused(app, as_bytes(document)).code == "unavailable"


def test_a_status_list_signed_by_another_key_is_not_trusted(app, issuer):
    trusting(app, issuer.did)
    document = issuer.credential(EMAIL)
    issuer.key = Ed25519PrivateKey.generate()  # lists now signed by a key not in the DID doc
    issuer.publish_status_lists()
    assert refused(app, as_bytes(document)).code == "unavailable"


@pytest.mark.parametrize("change", [
    lambda d: d["credentialSubject"]["achievement"].update(name="一级/高级技师"),
    lambda d: d.update(validUntil="2099-01-01T00:00:00Z"),
    lambda d: d["proof"][0].update(created="2020-01-01T00:00:00Z"),
])
def test_an_edited_credential_is_tampered(app, issuer, change):
    trusting(app, issuer.did)
    assert refused(app, _edited(issuer, change)).code == "tampered"


def test_a_key_missing_from_the_did_document_is_tampered(app, issuer):
    trusting(app, issuer.did)
    document = issuer.credential(EMAIL)
    issuer.publish_did_document(Ed25519PrivateKey.generate())
    assert refused(app, as_bytes(document)).code == "tampered"


@pytest.mark.parametrize("purpose, code", [("revoked", "revoked"), ("suspended", "suspended")])
def test_revoked_and_suspended_credentials_are_refused(app, issuer, purpose, code):
    trusting(app, issuer.did)
    getattr(issuer, purpose).add(7)
    assert refused(app, as_bytes(issuer.credential(EMAIL, index=7))).code == code


def test_another_bit_set_does_not_revoke(app, issuer):
    trusting(app, issuer.did)
    issuer.revoked.add(8)
    with app.app_context():
        row = service.import_credential(make_holder(), as_bytes(issuer.credential(EMAIL, index=7)))
        assert row.state == "accepted"


def test_expired_and_future_credentials_are_refused(app, issuer):
    trusting(app, issuer.did)
    now = utcnow()
    past = issuer.credential(EMAIL, valid_from=now - timedelta(days=30),
                             valid_until=now - timedelta(days=1))
    error = refused(app, as_bytes(past))
    assert error.code == "expired" and (now - timedelta(days=1)).date().isoformat() in str(error)
    future = issuer.credential("f@example.org", valid_from=now + timedelta(days=3))
    assert refused(app, as_bytes(future), "f@example.org").code == "not_yet_valid"


def test_a_credential_of_someone_else_is_refused(app, issuer):
    trusting(app, issuer.did)
    document = issuer.credential("someone.else@example.org")
    assert refused(app, as_bytes(document)).code == "someone_else"


def test_the_same_credential_cannot_be_imported_twice(app, issuer):
    trusting(app, issuer.did)
    raw = as_bytes(issuer.credential(EMAIL))
    with app.app_context():
        user = make_holder()
        service.import_credential(user, raw)
        with pytest.raises(ImportRefused) as caught:
            service.import_credential(user, raw)
        assert caught.value.code == "already_imported"
        assert db.session.scalar(select(func.count(Recognition.id))) == 1


def test_a_foreign_badge_counts_as_the_trust_entrys_level(app, issuer):
    trusting(app, issuer.did, levels="4,5", foreign_level=5)
    document = issuer.unsigned(EMAIL)
    document["credentialSubject"]["achievement"] = {
        "id": "https://badges.example.org/achievements/annotation-basics",
        "type": ["Achievement"], "name": "Annotation basics", "description": "A course",
        "criteria": {"narrative": "Finished the course."}}
    del document["credentialSubject"]["result"]
    issuer.publish_status_lists()
    with app.app_context():
        row = service.import_credential(make_holder(), as_bytes(issuer.signed(document)))
        assert (row.stated_level, row.level, row.achievement_name) == (
            None, 5, "Annotation basics")


def test_a_stated_level_outside_the_entry_counts_for_nothing(app, issuer):
    trusting(app, issuer.did, levels="4,5")
    with app.app_context():
        row = service.import_credential(make_holder(), as_bytes(issuer.credential(EMAIL,
                                                                                  level=2)))
        assert (row.stated_level, row.level) == (2, None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_trusted_did_on_a_dead_port_is_unavailable(app, issuer):
    document = issuer.unsigned(EMAIL)
    dead = f"did:web:127.0.0.1%3A{_free_port()}:issuers:gone"
    document["issuer"]["id"] = dead
    signed = issuer.signed(document)
    signed["proof"][0]["verificationMethod"] = f"{dead}#key-1"
    trusting(app, dead)
    assert refused(app, as_bytes(signed)).code == "unavailable"


def test_a_proof_that_is_not_an_array_is_unsupported(app, issuer):
    trusting(app, issuer.did)
    document = issuer.credential(EMAIL)
    document["proof"] = 5
    assert refused(app, as_bytes(document)).code == "unsupported_proof"


def test_status_bits_read_like_the_issuers_own_lists_and_bombs_stay_small():
    import base64
    import gzip

    from talentpool.certification.status_list import LIST_SIZE, encoded_list
    from talentpool.certification.status_list import decoded_bit as status_bit

    set_bits = {0, 9, LIST_SIZE - 1}
    encoded = encoded_list(sorted(set_bits))
    whole = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    for index in (0, 1, 9, 10, LIST_SIZE - 2, LIST_SIZE - 1):
        assert status_bit(encoded, index) == (index in set_bits)
        assert status_bit(encoded, index) == bool(whole[index // 8] & (0x80 >> (index % 8)))
    bomb = "u" + base64.urlsafe_b64encode(gzip.compress(b"\0" * (64 * 1024 * 1024))).decode()
    assert len(bomb) < 200_000 and status_bit(bomb, 5) is False  # only 1 byte inflated
    with pytest.raises(ValueError):
        status_bit(encoded, LIST_SIZE)
    with pytest.raises(ValueError):
        status_bit(encoded, -1)


def test_a_single_proof_written_without_an_array_is_accepted(app, issuer):
    trusting(app, issuer.did)
    document = issuer.credential(EMAIL)
    document["proof"] = document["proof"][0]
    raw = json.dumps(document, indent=4).encode()
    with app.app_context():
        row = service.import_credential(make_holder(), raw)
        assert row.credential == raw.decode()  # kept exactly as received


def test_a_context_this_site_does_not_ship_is_unsupported_not_tampered(app, issuer):
    trusting(app, issuer.did)
    document = issuer.credential(EMAIL)
    document["@context"].append("https://example.org/extension/v1")
    error = refused(app, as_bytes(document))
    assert error.code == "unsupported_context" and "https://example.org/extension/v1" in str(error)
