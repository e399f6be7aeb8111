"""A sitting's archive bundle: every record in a ZIP whose manifest lists each file's SHA-256
and is signed with the organisation's key (checked against its DID document); any change to a
file or the manifest is detected; kept for the retention period; audited."""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from talentpool.auth import Role
from talentpool.certification.canonical import from_base58btc
from talentpool.database import utcnow
from tests.assessment.test_exam import start
from tests.assessment.test_resits import latest, sit
from tests.conftest import PASSWORD, csrf_from, make_organisation
from tests.exam_bank import make_ready_bank
from tests.office.helpers import make_sitting, publish_now


def rezip(data: bytes, change) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        files = {name: source.read(name) for name in source.namelist()}
    change(files)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in files.items():
            target.writestr(name, content)
    return out.getvalue()


def test_a_sitting_is_archived_signed_and_checkable(app, client, auth, make_user, tmp_path):
    app.config["PUBLIC_BASE_URL"] = "http://localhost"
    make_ready_bank(app, tmp_path)
    with app.app_context():
        make_organisation("north", "北方技能评价中心", code="91110000MA00000000")
        sitting = make_sitting(5, "2026 第四批", organisation="north")
        session_id, plan_id = sitting.public_id, sitting.plan_id
        from talentpool.accounts.service import create_user

        create_user("cand@example.org", "李四", PASSWORD, Role.TRAINEE)
        # A candidate the review turned away: the decision is archived with the batch.
        from talentpool.extensions import db as database
        from talentpool.office.models import Registration

        turned_away = create_user("other@example.org", "王五", PASSWORD, Role.TRAINEE)
        database.session.add(Registration(
            plan_id=plan_id, user_id=turned_away.id,
            candidate_name="王五", route="work", state="rejected",
            review_reason="工作年限证明不足"))
        database.session.commit()
    auth.login("cand@example.org")
    start(client, session_id)
    attempt = sit(app, client, {"theory": True, "practical": True})
    assert attempt.state == "passed"
    with app.app_context():
        publish_now(session_id, appeal_window_days=0)
    attempt = latest(app)
    auth.logout()
    auth.login(make_user(Role.ADMIN))
    page = client.get("/admin/organisations/north/sittings").get_data(as_text=True)
    reply = client.post(f"/admin/organisations/north/sittings/{session_id}/archive",
                        data={"csrf_token": csrf_from(page)})
    assert reply.status_code == 302
    page = client.get("/admin/organisations/north/sittings").get_data(as_text=True)
    [link] = [part.split('"')[0] for part in page.split('href="')[1:] if "/archives/" in part]
    data = client.get(link).data
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        names = set(bundle.namelist())
        manifest_bytes, signature = bundle.read("manifest.json"), bundle.read("manifest.sig")
        attempts = list(csv.DictReader(io.StringIO(bundle.read("attempts.csv").decode(
            "utf-8-sig"))))
        responses = bundle.read("responses.csv").decode("utf-8-sig")
        certificates = bundle.read("certificates.csv").decode("utf-8-sig")
        roster = list(csv.DictReader(io.StringIO(bundle.read("registrations.csv").decode(
            "utf-8-sig"))))
        log = bundle.read("proctor_log.csv").decode("utf-8-sig")
    assert names == {"results.csv", "attempts.csv", "responses.csv", "ratings.csv",
                     "panel.csv", "panel_scores.csv", "certificates.csv", "audit.csv", "registrations.csv", "proctor_log.csv",
                     "appeals.csv", "manifest.json", "manifest.sig"}
    manifest = json.loads(manifest_bytes)
    assert manifest["organisation"]["did"] == "did:web:localhost:issuers:north"
    assert manifest["retain_until"][:4] == str(utcnow().year + 5)
    assert attempts[0]["attempt"] == attempt.public_id and attempts[0]["state"] == "passed"
    assert attempt.certificate_serial in certificates
    assert sorted((r["candidate"], r["state"], r["attendance"], r["sitting"]) for r in roster) \
        == [("李四", "approved", "present", session_id), ("王五", "rejected", "", "")]
    assert "sign_off" in log
    assert "gold" not in responses and len(responses.splitlines()) > 3
    # Anyone can check the signature with the key in the organisation's DID document.
    document = client.get("/issuers/north/did.json").get_json()
    [method] = [m for m in document["verificationMethod"]
                if m["id"] == manifest["verification_method"]]
    raw = from_base58btc(method["publicKeyMultibase"])[2:]
    Ed25519PublicKey.from_public_bytes(raw).verify(
        base64.urlsafe_b64decode(signature + b"=" * (-len(signature) % 4)), manifest_bytes)

    from talentpool.office.archives import verify_bundle
    from talentpool.organisations.service import by_slug

    with app.app_context():
        north = by_slug("north")
        assert verify_bundle(data, north) == []
        changed = rezip(data, lambda f: f.__setitem__(
            "results.csv", f["results.csv"].replace("合格".encode(), "不合格".encode())))
        assert verify_bundle(changed, north) == ["results.csv was changed"]
        forged = rezip(data, lambda f: f.__setitem__(
            "manifest.json", f["manifest.json"].replace(b'"level": 5', b'"level": 4')))
        assert verify_bundle(forged, north) == ["the manifest's signature does not hold"]
        added = rezip(data, lambda f: f.__setitem__("extra.csv", b"x"))
        assert verify_bundle(added, north) == ["extra.csv is not in the manifest"]
        assert verify_bundle(b"not a zip", north) == ["not an archive bundle"]
        from talentpool.organisations import office

        assert "archive.create" in [e.action for e in office.audit_log(north)]
    auth.logout()
    auth.login(make_user(Role.TRAINEE))
    assert client.get(link).status_code == 403
    # Kept for the retention period, then purged by the daily job (audited).
    from talentpool.office.archives import purge_expired
    from talentpool.office.models import ArchiveBundle
    from talentpool.extensions import db

    with app.app_context():
        [bundle] = db.session.query(ArchiveBundle).all()
        assert purge_expired(bundle.retain_until - timedelta(seconds=1)).startswith("purged 0")
        assert purge_expired(bundle.retain_until).startswith("purged 1")
        assert db.session.query(ArchiveBundle).count() == 0
        assert office.audit_log(by_slug("north"))[0].action == "archive.purge"
