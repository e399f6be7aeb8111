"""Served credentials conform to 1EdTech's official Open Badges 3.0 JSON Schema.

The schema is the AchievementCredential schema of the VC Data Model 2.0 edition, vendored
unchanged in tests/ob3_schema/ (SOURCE.md names its commit); the ``jsonschema`` library validates
against it as draft 2019-09 with format checking (``date-time`` needs rfc3339-validator, which
``validator`` makes sure is there). Every kind of certificate is issued through the service and
its credential fetched from the API, as a wallet or verifier would.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator
from sqlalchemy import select

SCHEMA = Path(__file__).parents[1] / "ob3_schema" / "achievementcredential.json"
NATIONAL_NUMBER = "Y000011000001264000001"


@pytest.fixture(scope="module")
def validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft201909Validator.check_schema(schema)
    checker = Draft201909Validator.FORMAT_CHECKER
    assert "date-time" in checker.checkers, "install rfc3339-validator: date-time goes unchecked"
    return Draft201909Validator(schema, format_checker=checker)


def problems(validator: Draft201909Validator, credential: dict) -> list[str]:
    return [f"{error.json_path}: {error.message[:200]}"
            for error in validator.iter_errors(credential)]


def served(client, serial: str) -> dict:
    reply = client.get(f"/api/v1/certificates/{serial}/credential")
    assert reply.status_code == 200
    return reply.get_json()


def stored_certificate(serial: str):
    from talentpool.certification.models import Certificate
    from talentpool.extensions import db

    return db.session.scalar(select(Certificate).where(Certificate.serial == serial))


KINDS = {
    "level 5, no panel, no end date": {"level": 5},
    "level 2 with a panel score": {"level": 2, "panel": 71},
    "level 1 with a panel score": {"level": 1, "theory": 95, "practical": 88, "panel": 90},
    "level 3 valid for three years": {"level": 3, "valid_years": 3},
}


@pytest.mark.parametrize("kind", KINDS)
def test_issued_credentials_conform(client, make_certificate, validator, kind):
    credential = served(client, make_certificate(**KINDS[kind]).serial)
    assert problems(validator, credential) == []
    assert ("validUntil" in credential) == ("valid_years" in KINDS[kind])
    assert len(credential["credentialSubject"]["result"]) == (4 if "panel" in KINDS[kind] else 3)


def test_a_credential_with_a_national_number_conforms(app, client, make_certificate, validator):
    from talentpool.certification.national import record_national_number

    issued = make_certificate(level=4)
    before = served(client, issued.serial)
    with app.app_context():
        record_national_number(issued.serial, NATIONAL_NUMBER)
    assert client.get(f"/api/v1/certificates/{issued.serial}").get_json()[
        "national_number"] == NATIONAL_NUMBER
    after = served(client, issued.serial)
    assert after == before  # the signed credential stays as issued
    assert problems(validator, after) == []


def test_a_resigned_credential_conforms(app, client, make_certificate, validator):
    """An earlier release's credential (a JCS proof object, a list as status) is signed again."""
    from talentpool.certification.reissue import reissue_credentials
    from talentpool.extensions import db

    old, listed = make_certificate(level=5), make_certificate(level=2, panel=66)
    with app.app_context():
        for issued, cryptosuite in ((old, "eddsa-jcs-2022"), (listed, "eddsa-rdfc-2022")):
            certificate = stored_certificate(issued.serial)
            document = json.loads(certificate.credential)
            document["credentialStatus"] = [document["credentialStatus"]]
            if cryptosuite != "eddsa-rdfc-2022":
                document["proof"] = {**document["proof"][0], "cryptosuite": cryptosuite}
            certificate.credential = json.dumps(document)
        db.session.commit()
    assert problems(validator, served(client, listed.serial)) != []
    with app.app_context():
        assert reissue_credentials().resigned == 2
    for issued in (old, listed):
        credential = served(client, issued.serial)
        assert problems(validator, credential) == []
        assert client.post("/api/v1/credentials/verify", json=credential).get_json()["verified"]


BROKEN = {
    "proof is a string": lambda c: c.__setitem__("proof", "z3hT"),
    "proof is a list of strings": lambda c: c.__setitem__("proof", ["z3hT"]),
    "proof without a type": lambda c: c["proof"][0].pop("type"),
    "proof created is not a date-time": lambda c: c["proof"][0].__setitem__("created", "today"),
    "no validFrom": lambda c: c.pop("validFrom"),
    "VC 1.1 issuanceDate instead of validFrom": lambda c: c.__setitem__(
        "issuanceDate", c.pop("validFrom")),
    "validFrom is only a date": lambda c: c.__setitem__("validFrom", c["validFrom"][:10]),
    "no credentialSubject": lambda c: c.pop("credentialSubject"),
    "no achievement": lambda c: c["credentialSubject"].pop("achievement"),
    "credentialStatus as a list": lambda c: c.__setitem__(
        "credentialStatus", [c["credentialStatus"]]),
    "VC 1.1 context": lambda c: c["@context"].__setitem__(
        0, "https://www.w3.org/2018/credentials/v1"),
    "type without OpenBadgeCredential": lambda c: c.__setitem__(
        "type", ["VerifiableCredential"]),
}


def test_the_schema_rejects_broken_credentials(client, make_certificate, validator):
    credential = served(client, make_certificate(level=2, panel=80).serial)
    assert problems(validator, credential) == []
    for name, breakage in BROKEN.items():
        broken = copy.deepcopy(credential)
        breakage(broken)
        assert problems(validator, broken), name
