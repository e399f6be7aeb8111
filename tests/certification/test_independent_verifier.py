"""Digital Bazaar's verifier (npm @digitalbazaar/vc + eddsa-rdfc-2022) accepts our credentials.

The verifier runs in node against a live server: it fetches the credential, resolves the issuer's
did:web DID from the server, and checks the proof with contexts from npm packages (none from
this project). Any edited field must fail. Needs ``npm ci --prefix tests/ob3_verifier``; CI
installs it (.ci/run), so there a missing install is a failure, not a skip.
"""

import copy
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

VERIFIER = Path(__file__).parents[1] / "ob3_verifier"


def run_verifier(source: str) -> dict:
    completed = subprocess.run(["node", str(VERIFIER / "verify.mjs"), source], capture_output=True,
                               text=True, timeout=120, check=True)
    return json.loads(completed.stdout)


@pytest.fixture
def live_site(app):
    if not (VERIFIER / "node_modules").is_dir() or shutil.which("node") is None:
        if os.environ.get("CI"):
            pytest.fail("run 'npm ci --prefix tests/ob3_verifier' (node 20)")
        pytest.skip("the node verifier is not installed (npm ci --prefix tests/ob3_verifier)")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app.config["PUBLIC_BASE_URL"]
    server.shutdown()
    thread.join()


FINE = {"revocation": False}
EDITS = {
    "theory score": lambda c: c["credentialSubject"]["result"][1].__setitem__("value", "100"),
    "identity hash": lambda c: c["credentialSubject"]["identifier"][0].__setitem__(
        "identityHash", "sha256$" + "0" * 64),
    "validUntil": lambda c: c.__setitem__("validUntil", "2099-01-01T00:00:00Z"),
    "issuer name": lambda c: c["issuer"].__setitem__("name", "Someone else"),
    "proof created": lambda c: c["proof"][0].__setitem__("created", "2020-01-01T00:00:00Z"),
}


def test_digital_bazaar_verifies_and_rejects_edits(live_site, make_certificate, tmp_path):
    import urllib.request

    serial = make_certificate(level=2, panel=71).serial
    url = f"{live_site}/api/v1/certificates/{serial}/credential"
    assert run_verifier(url) == {"verified": True, "error": None, "status": FINE,
                                 "suspension_list": False}
    with urllib.request.urlopen(url) as response:
        credential = json.load(response)
    for name, edit in EDITS.items():
        edited = copy.deepcopy(credential)
        edit(edited)
        path = tmp_path / "edited.json"
        path.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
        answer = run_verifier(str(path))
        assert answer["verified"] is False, name


def test_digital_bazaar_reads_a_revocation_through_the_status_list(
        app, live_site, make_certificate):
    from talentpool.certification.status_changes import reinstate, revoke, suspend

    kept, revoked, suspended = (make_certificate(level=5) for _ in range(3))
    with app.app_context():
        revoke(revoked.serial, "Exam irregularity")
        suspend(suspended.serial, "Appeal under review")

    def answers():
        return {serial: run_verifier(f"{live_site}/api/v1/certificates/{serial}/credential")
                for serial in (kept.serial, revoked.serial, suspended.serial)}

    # The signature and the revocation list verify; the list's bit says revoked. A suspension
    # is not a revocation: an OB 3.0 credential names one status list (its revocation bit), so
    # a suspended certificate is not revoked; the library reads the suspension from the
    # organisation's signed suspension list at the same bit (the documented convention).
    found = answers()
    assert found[kept.serial] == {"verified": True, "error": None, "status": FINE,
                                  "suspension_list": False}
    assert found[revoked.serial] == {"verified": True, "error": None,
                                     "status": {"revocation": True}, "suspension_list": False}
    assert found[suspended.serial] == {"verified": True, "error": None, "status": FINE,
                                       "suspension_list": True}
    with app.app_context():
        reinstate(suspended.serial)
    assert answers()[suspended.serial]["suspension_list"] is False


def test_each_organisation_signs_under_its_own_did(app, live_site, make_certificate):
    """A second organisation's certificate is signed with its own key under its own DID, and
    verifies through that DID document alone."""
    from talentpool.accounts.service import create_user
    from talentpool.auth import Role
    from talentpool.certification.service import issue_certificate
    from tests.conftest import PASSWORD, make_organisation

    with app.app_context():
        other = make_organisation("north-centre", "北方技能评价中心", levels=(5,))
        user = create_user("north@example.org", "North Holder", PASSWORD, Role.TRAINEE)
        serial = issue_certificate(user, 5, 80, 70, organisation=other).serial
    default_serial = make_certificate(level=5).serial
    url = f"{live_site}/api/v1/certificates/{serial}/credential"
    import urllib.request

    with urllib.request.urlopen(url) as response:
        credential = json.load(response)
    with urllib.request.urlopen(
            f"{live_site}/api/v1/certificates/{default_serial}/credential") as response:
        default_credential = json.load(response)
    assert credential["issuer"]["id"].endswith(":issuers:north-centre")
    assert credential["issuer"]["name"] == "北方技能评价中心"
    assert credential["proof"][0]["verificationMethod"].startswith(credential["issuer"]["id"] + "#")
    assert default_credential["issuer"]["id"].endswith(":issuers:talentpool")
    assert credential["credentialStatus"]["statusListCredential"].startswith(
        f"{live_site}/issuers/north-centre/status/")
    assert run_verifier(url) == {"verified": True, "error": None, "status": FINE,
                                 "suspension_list": False}


def test_digital_bazaar_verifies_a_seeded_credential_like_an_issued_one(app, live_site,
                                                                      make_certificate):
    """Seeded certificates (demo and benchmark pools) carry credentials built by the issuing
    code; the independent verifier accepts them as it accepts an issued one."""
    from sqlalchemy import select

    from talentpool.certification.models import Certificate
    from talentpool.directory.seed import seed_profiles
    from talentpool.extensions import db

    with app.app_context():
        seed_profiles(6, seed=5, workers=0)
        seeded = db.session.scalars(select(Certificate.serial).order_by(Certificate.id)).first()
    issued = make_certificate(level=5).serial
    for serial in (seeded, issued):
        assert run_verifier(f"{live_site}/api/v1/certificates/{serial}/credential") == {
            "verified": True, "error": None, "status": FINE, "suspension_list": False}, serial
