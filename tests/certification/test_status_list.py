"""Revocation and suspension through W3C Bitstring Status Lists: every new credential names a
random, unique bit of its organisation's two signed lists; the revocation bit turns on when the
certificate is revoked or superseded, the suspension bit while it is suspended."""

from __future__ import annotations

import json

from sqlalchemy import select

from talentpool.certification import status_list
from talentpool.certification.credential import check_signature
from talentpool.certification.models import Certificate
from talentpool.extensions import db


def entry_of(app, serial, purpose="revocation"):
    """The credential's status entry; the suspension entry is the same bit of the suspension
    list (the credential names only the revocation list: OB 3.0 allows one status object)."""
    with app.app_context():
        credential = json.loads(db.session.scalar(select(Certificate.credential).where(
            Certificate.serial == serial)))
    entry = credential["credentialStatus"]
    assert isinstance(entry, dict) and entry["statusPurpose"] == "revocation"
    if purpose == "suspension":
        url = entry["statusListCredential"].replace("/revocation", "/suspension")
        entry = {**entry, "id": f"{url}#{entry['statusListIndex']}", "statusPurpose": purpose,
                 "statusListCredential": url}
    return entry


def fetched_list(client, entry):
    reply = client.get(entry["statusListCredential"].removeprefix("http://localhost"))
    assert reply.status_code == 200
    document = reply.get_json()
    assert document["id"] == entry["statusListCredential"]
    assert document["credentialSubject"]["statusPurpose"] == entry["statusPurpose"]
    return document


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
        assert entry["statusListCredential"] == (
            "http://localhost/issuers/talentpool/status/revocation")
        assert 0 <= int(entry["statusListIndex"]) < status_list.LIST_SIZE
    assert len({e["statusListIndex"] for e in entries.values()}) == 2
    document = fetched_list(client, entries[first.serial])
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert not any(bit(document, e) for e in entries.values())
    with app.app_context():  # the list is signed by the issuer like any credential
        from talentpool.certification import keys

        assert check_signature(document, lambda m: keys.public_key(m.split("#")[1], 1)[0]
                               ).signature == "valid"
    # Revoke the first through the admin page; the second is superseded by a newer one.
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    page = client.get("/admin/certificates")
    client.post(f"/admin/certificates/{first.serial}/revoke", data={
        "reason": "Exam irregularity", "csrf_token": csrf_from(page.get_data(as_text=True))})
    make_certificate(level=4, email=other.email)
    document = fetched_list(client, entries[first.serial])
    assert bit(document, entries[first.serial]) and bit(document, entries[other.serial])
    # Credentials signed before organisations had lists of their own name /status/revocation.
    legacy = client.get("/status/revocation").get_json()
    assert legacy["id"] == "http://localhost/status/revocation"
    assert legacy["credentialSubject"]["encodedList"] == document["credentialSubject"][
        "encodedList"]


def test_suspension_sets_the_bit_until_reinstated(app, client, auth, make_certificate,
                                                  make_user):
    from talentpool.auth import Role
    from tests.conftest import csrf_from

    issued = make_certificate(level=5)
    entry = entry_of(app, issued.serial, "suspension")
    revocation = entry_of(app, issued.serial, "revocation")
    assert not bit(fetched_list(client, entry), entry)
    auth.login(make_user(Role.ADMIN))
    token = csrf_from(client.get(f"/admin/certificates/{issued.serial}").get_data(as_text=True))
    client.post(f"/admin/certificates/{issued.serial}/suspend",
                data={"reason": "Appeal under review", "csrf_token": token})
    assert bit(fetched_list(client, entry), entry)
    assert not bit(fetched_list(client, revocation), revocation)
    record = client.get(f"/api/v1/certificates/{issued.serial}").get_json()
    assert record["status"] == "suspended" and record["suspension_reason"] == "Appeal under review"
    client.post(f"/admin/certificates/{issued.serial}/reinstate", data={"csrf_token": token})
    assert not bit(fetched_list(client, entry), entry)
    assert client.get(f"/api/v1/certificates/{issued.serial}").get_json()["status"] == "valid"


def test_no_list_before_anything_was_issued(client):
    assert client.get("/status/revocation").status_code == 404
    assert client.get("/issuers/talentpool/status/suspension").status_code == 404
    assert client.get("/issuers/talentpool/status/other").status_code == 404
    assert client.get("/issuers/nobody/status/revocation").status_code == 404
