"""Re-signing credentials that stopped verifying after an upgrade (proof format, issuer id)."""

from __future__ import annotations

import json

from sqlalchemy import select

from talentpool.certification.models import Certificate
from talentpool.certification.reissue import reissue_credentials
from talentpool.certification.service import VALID, verify_credential
from talentpool.extensions import db


def stored(serial):
    return db.session.scalar(select(Certificate).where(Certificate.serial == serial))


def old_format(text: str) -> str:
    """The credential as an earlier release signed it: a JCS proof object."""
    document = json.loads(text)
    proof = document["proof"][0]
    document["proof"] = {**proof, "cryptosuite": "eddsa-jcs-2022"}
    return json.dumps(document)


def test_only_credentials_that_no_longer_verify_are_signed_again(app, make_certificate, runner):
    good, old, empty, orphan = (make_certificate(level=5) for _ in range(4))
    with app.app_context():
        untouched = stored(good.serial).credential
        stored(old.serial).credential = old_format(stored(old.serial).credential)
        stored(empty.serial).credential = "{}"
        stored(orphan.serial).credential = "{}"
        stored(orphan.serial).user_id = None  # the holder deleted the account
        db.session.commit()
        assert verify_credential(json.loads(stored(old.serial).credential)).signature != VALID
    result = runner.invoke(args=["certificates", "reissue-credentials"])
    assert result.exit_code == 0, result.output
    assert "4 credentials checked, 2 signed again, 1 left" in result.output
    with app.app_context():
        assert stored(good.serial).credential == untouched
        for issued in (old, empty):
            certificate = stored(issued.serial)
            check = verify_credential(json.loads(certificate.credential))
            assert check.signature == VALID and check.status == VALID
            assert check.certificate.serial == issued.serial
        assert stored(orphan.serial).credential == "{}"
        assert reissue_credentials().resigned == 0  # running again changes nothing
