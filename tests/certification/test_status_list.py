"""Revocation through a W3C Bitstring Status List: every new credential names a random, unique
bit of the issuer's signed list, and the bit turns on when the certificate is revoked or
superseded."""

from __future__ import annotations

import json

from sqlalchemy import select

from talentpool.certification import status_list
from talentpool.certification.credential import check_signature
from talentpool.certification.models import Certificate
from talentpool.extensions import db


def entry_of(app, serial):
    with app.app_context():
        credential = json.loads(db.session.scalar(select(Certificate.credential).where(
            Certificate.serial == serial)))
    entry = credential["credentialStatus"]
    assert isinstance(entry, dict)  # one entry, not a list: the OB 3.0 JSON Schema wants that
    return entry


def fetched_list(client):
    reply = client.get("/status/revocation")
    assert reply.status_code == 200
    return reply.get_json()


def bit(document, entry) -> bool:
    return status_list.decoded_bit(document["credentialSubject"]["encodedList"],
                                   int(entry["statusListIndex"]))


def test_the_encoding_follows_the_specification():
    encoded = status_list.encoded_list([0, 9, 131_071])
    assert encoded.startswith("u") and "=" not in encoded
    assert [status_list.decoded_bit(encoded, i) for i in (0, 1, 8, 9, 131_071)] == [
        True, False, False, True, True]


def test_revocation_and_superseding_turn_the_bit_on(app, client, auth, make_certificate,
                                                    make_user):
    from talentpool.auth import Role
    from tests.conftest import csrf_from

    first, other = make_certificate(level=5), make_certificate(level=4)
    entries = {s: entry_of(app, s) for s in (first.serial, other.serial)}
    for entry in entries.values():
        assert entry["type"] == "BitstringStatusListEntry"
        assert entry["statusPurpose"] == "revocation"
        assert entry["statusListCredential"] == "http://localhost/status/revocation"
        assert 0 <= int(entry["statusListIndex"]) < status_list.LIST_SIZE
    assert len({e["statusListIndex"] for e in entries.values()}) == 2
    document = fetched_list(client)
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert not any(bit(document, e) for e in entries.values())
    with app.app_context():  # the list is signed by the issuer like any credential
        from talentpool.certification import keys

        assert check_signature(document, lambda m: keys.public_key(m.split("#")[1])[0]
                               ).signature == "valid"
    # Revoke the first through the admin page; the second is superseded by a newer one.
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    page = client.get("/admin/certificates")
    client.post(f"/admin/certificates/{first.serial}/revoke", data={
        "reason": "Exam irregularity", "csrf_token": csrf_from(page.get_data(as_text=True))})
    make_certificate(level=4, email=other.email)
    document = fetched_list(client)
    assert bit(document, entries[first.serial]) and bit(document, entries[other.serial])


def test_no_list_before_anything_was_issued(client):
    assert client.get("/status/revocation").status_code == 404
